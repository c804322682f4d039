from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("", views.results, name="results"),
    path("api/", views.results, {"api": True}, name="api"),
    path("suggest/", views.suggest, name="suggest"),
]
