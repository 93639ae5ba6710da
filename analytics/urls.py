from django.urls import path

from analytics import views

app_name = "analytics"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("routing/", views.suggestions, name="suggestions"),
    path("routing/<int:pk>/", views.suggestion, name="suggestion"),
    path("routing/<int:pk>/accept/", views.accept, name="accept"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:pk>/", views.duplicate, name="duplicate"),
    path("appeals/<int:pk>/", views.appeal, name="appeal"),
    path("topics/", views.topics, name="topics"),
    path("topics/mine/", views.mine, name="mine"),
    path("topics/<int:pk>/", views.topic, name="topic"),
]
