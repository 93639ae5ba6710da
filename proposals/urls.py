from django.urls import path

from proposals.views import drafting, handling, lists

app_name = "proposals"
urlpatterns = [
    path("", lists.proposal_list, name="list"),
    path("export.xlsx", lists.export, name="export"),
    path("stats/", lists.stats, name="stats"),
    path("new/", drafting.create, name="create"),
    path("<int:pk>/", handling.detail, name="detail"),
    path("<int:pk>/edit/", drafting.edit, name="edit"),
    path("<int:pk>/autosave/", drafting.autosave, name="autosave"),
    path("<int:pk>/files/<str:token>/remove/", drafting.remove_file, name="remove_file"),
    path("<int:pk>/cosign/", drafting.cosign, name="cosign"),
    path("<int:pk>/units/", handling.set_units, name="units"),
    path("<int:pk>/contact/", handling.contact, name="contact"),
    path("<int:pk>/proposers/contact/", handling.reveal_proposer_contacts, name="reveal_contacts"),
    path("<int:pk>/opinion/", handling.opinion, name="opinion"),
    path("<int:pk>/reply/", handling.reply, name="reply"),
    path("<int:pk>/replies/<int:reply_id>/letter.<str:fmt>", handling.letter, name="letter"),
    path("<int:pk>/rate/", handling.rate, name="rate"),
    path("<int:pk>/key/", handling.mark_key, name="key"),
    path("<int:pk>/meeting/", handling.meeting, name="meeting"),
    path("<int:pk>/excellent/", handling.excellent, name="excellent"),
    path("<int:pk>/excellent/withdraw/", handling.withdraw_excellent, name="excellent_withdraw"),
]
