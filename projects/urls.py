from django.urls import path

from projects import feeds, views

app_name = "projects"

urlpatterns = [
    path("feeds/write-ups/", feeds.WriteUpsFeed(), name="feed_write_ups"),
    path("feeds/priorities/<slug:slug>/", feeds.PriorityWriteUpsFeed(), name="feed_priority"),
    path("feeds/priorities/<slug:slug>/updates/", feeds.PriorityUpdatesFeed(), name="feed_priority_updates"),
    path("feeds/communities/<slug:slug>/", feeds.CommunityWriteUpsFeed(), name="feed_community"),
    path("projects.csv", views.projects_csv, name="projects_csv"),
    path("write/", views.start, name="start"),
    path("mine/", views.mine, name="mine"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<id:pk>/", views.review, name="review"),
    path("priorities/order/", views.order_priorities, name="order_priorities"),
    path("<id:pk>/edit/<slug:step>/", views.edit, name="edit"),
    path("<id:pk>/team/", views.team, name="team"),
    path("<id:pk>/team/<id:member_pk>/remove/", views.team_remove, name="team_remove"),
    path("<id:pk>/submit/", views.submit, name="submit"),
    path("<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<id:pk>/preview/", views.preview, name="preview"),
    path("<id:pk>/measures/", views.measures, name="measures"),
    path("<id:pk>/measures/<id:measure_pk>/", views.measure, name="measure"),
    path("<id:pk>/measures/<id:measure_pk>/delete/", views.measure_delete, name="measure_delete"),
    path(
        "<id:pk>/measures/<id:measure_pk>/<slug:kind>/<id:item_pk>/delete/",
        views.measure_delete_item,
        name="measure_delete_item",
    ),
    path("<id:pk>/measures/<id:measure_pk>/data.csv", views.measure_csv, name="measure_csv"),
    path("<id:pk>/measures/<id:measure_pk>/chart.svg", views.measure_chart, name="measure_chart"),
    path(
        "<id:pk>/measures/<id:measure_pk>/annotation/<id:annotation_pk>/rebase/",
        views.measure_rebase,
        name="measure_rebase",
    ),
    path("<id:pk>/adopt/", views.adopt, name="adopt"),
    path("<id:pk>/handover/", views.handover, name="handover"),
    path("<id:pk>/contact/", views.contact, name="contact"),
    path("<id:pk>/bright-spot/", views.bright_spot, name="bright_spot"),
]
