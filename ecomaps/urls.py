from django.urls import path

from ecomaps import views

app_name = "ecomaps"

urlpatterns = [
    path("community/<slug:slug>/", views.community_maps, name="community"),
    path("priority/<slug:slug>/", views.priority_maps, name="priority"),
    path("<id:map_id>/", views.map_page, name="map"),
    path("<id:map_id>/entries/", views.entries, name="entries"),
    path("<id:map_id>/map.svg", views.export_svg, name="svg"),
    path("<id:map_id>/map.json", views.export_json, name="json"),
    path("<id:map_id>/map.csv", views.export_csv, name="csv"),
    path("<id:map_id>/map.png", views.export_png, name="png"),
    path("<id:map_id>/import/", views.import_csv, name="import"),
    path("<id:map_id>/stations/", views.station_add, name="station_add"),
    path("<id:map_id>/stations/<slug:key>/remove/", views.station_remove, name="station_remove"),
    path("<id:map_id>/stations/<slug:key>/edit/", views.station_edit, name="station_edit"),
    path("<id:map_id>/journeys/<slug:key>/edit/", views.journey_edit, name="journey_edit"),
    path("<id:map_id>/changes/", views.revisions, name="revisions"),
    path("<id:map_id>/review/", views.review, name="review"),
    path("<id:map_id>/suggestions/", views.suggestions, name="suggestions"),
    path("<id:map_id>/changes/compare/", views.compare_revisions, name="compare"),
    path("<id:map_id>/journeys/", views.journey_set, name="journey_set"),
    path("<id:map_id>/links/", views.link_add, name="link_add"),
    path("<id:map_id>/annotations/", views.annotation_add, name="annotation_add"),
    path("<id:map_id>/annotations/<id:annotation_id>/endorse/", views.annotation_endorse, name="endorse"),
    path(
        "<id:map_id>/annotations/<id:annotation_id>/start-write-up/",
        views.annotation_start_write_up,
        name="start_write_up",
    ),
    path("<id:map_id>/work/", views.work, name="work"),
    path("<id:map_id>/workshop/", views.workshop, name="workshop"),
    path("<id:map_id>/nudge/", views.nudge, name="nudge"),
]
