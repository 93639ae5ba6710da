app_name = "grassroots"
urlpatterns: list = []
