from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("write/", views.start, name="start"),
    path("mine/", views.mine, name="mine"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review, name="review"),
    path("priorities/order/", views.order_priorities, name="order_priorities"),
    path("<int:pk>/edit/<slug:step>/", views.edit, name="edit"),
    path("<int:pk>/team/", views.team, name="team"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.team_remove, name="team_remove"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/measures/", views.measures, name="measures"),
    path("<int:pk>/measures/<int:measure_pk>/", views.measure, name="measure"),
    path("<int:pk>/measures/<int:measure_pk>/delete/", views.measure_delete, name="measure_delete"),
    path(
        "<int:pk>/measures/<int:measure_pk>/<slug:kind>/<int:item_pk>/delete/",
        views.measure_delete_item,
        name="measure_delete_item",
    ),
    path("<int:pk>/measures/<int:measure_pk>/data.csv", views.measure_csv, name="measure_csv"),
    path("<int:pk>/measures/<int:measure_pk>/chart.svg", views.measure_chart, name="measure_chart"),
    path(
        "<int:pk>/measures/<int:measure_pk>/annotation/<int:annotation_pk>/rebase/",
        views.measure_rebase,
        name="measure_rebase",
    ),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
    path("<int:pk>/handover/", views.handover, name="handover"),
    path("<int:pk>/contact/", views.contact, name="contact"),
    path("<int:pk>/bright-spot/", views.bright_spot, name="bright_spot"),
]
