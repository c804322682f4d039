from django.urls import path

from communities import feeds, views

app_name = "communities"

# Mounted at /communities/ ahead of Wagtail's catch-all, so these sit beside the community pages
# (/communities/<slug>/ is the Wagtail page). communities.models.RESERVED_SLUGS keeps the
# fixed names free.
urlpatterns = [
    path("propose/", views.propose, name="propose"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<id:proposal_id>/", views.proposal_review, name="proposal"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/join/", views.join, name="join"),
    path("<slug:slug>/request/", views.request_join, name="request"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<id:membership_id>/", views.member_action, name="member_action"),
    path("<slug:slug>/requests/", views.requests, name="requests"),
    path("<slug:slug>/invite/", views.invite, name="invite"),
    path("<slug:slug>/events/", views.events, name="events"),
    path("<slug:slug>/events/new/", views.event_form, name="event_new"),
    path("<slug:slug>/events/<id:event_id>/", views.event_detail, name="event"),
    path("<slug:slug>/events/<id:event_id>/edit/", views.event_form, name="event_edit"),
    path("<slug:slug>/events/<id:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path("<slug:slug>/events/<id:event_id>/event.ics", views.event_ics, name="event_ics"),
    path("<slug:slug>/calendar.ics", views.feed, name="feed"),
    path("<slug:slug>/events/feed/", feeds.CommunityEventsFeed(), name="events_atom"),
]
