from django.urls import path, re_path

from open311.views import api, office

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^discovery" + FMT, api.discovery, name="discovery"),
    re_path(r"^services" + FMT, api.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FMT, api.service_definition, name="service"),
    re_path(r"^requests" + FMT, api.requests_endpoint, name="requests"),
    re_path(r"^requests/(?P<pk>[^/]+?)" + FMT, api.request_detail, name="request"),
    path("clients/", office.client_list, name="clients"),
    path("clients/<int:pk>/deactivate/", office.client_deactivate, name="client-deactivate"),
    re_path(r"^(?!clients/)(?P<rest>.*)$", api.not_found),
]
