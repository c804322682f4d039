from django.urls import path

from discussions import conversation_views, views

app_name = "discussions"

urlpatterns = [
    path("discussions/community/<id:community_id>/", views.community_discussions, name="community"),
    path("discussions/community/<id:community_id>/new/", views.new_thread, name="new_thread"),
    path("discussions/community/<id:community_id>/moderation/", views.moderation, name="moderation"),
    path("discussions/community/<id:community_id>/mentions/", views.community_mentions, name="community_mentions"),
    path("discussions/page/<id:page_id>/ask/", views.ask_question, name="ask"),
    path("discussions/page/<id:page_id>/mentions/", views.page_mentions, name="page_mentions"),
    path("discussions/<id:thread_id>/", views.thread_detail, name="thread"),
    path("discussions/<id:thread_id>/reply/", views.post_reply, name="reply"),
    path("discussions/<id:thread_id>/mentions/", views.thread_mentions, name="thread_mentions"),
    path("discussions/<id:thread_id>/<str:setting>/", views.thread_setting, name="thread_setting"),
    path("discussions/messages/<id:message_id>/edit/", views.edit_message, name="edit"),
    path("discussions/messages/<id:message_id>/delete/", views.delete_message, name="delete"),
    path("discussions/messages/<id:message_id>/react/", views.react, name="react"),
    path("discussions/messages/<id:message_id>/flag/", views.flag, name="flag"),
    path("discussions/messages/<id:message_id>/<str:action>/", views.moderate_message, name="moderate"),
    path("messages/", conversation_views.inbox, name="inbox"),
    path("messages/new/", conversation_views.new_conversation, name="new_conversation"),
    path("messages/block/", conversation_views.block_person, name="block"),
    path("messages/unblock/", conversation_views.unblock_person, name="unblock"),
    path("moderation/", views.moderation_queue, name="queue"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<id:notification_id>/", views.open_notification, name="open_notification"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
