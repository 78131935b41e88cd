"""Non-router API paths of inspections: the public feedback status by tracking code."""

from django.urls import path

from inspections.feedback.api import FeedbackStatusView

urlpatterns = [
    path(
        "feedback/status/<str:tracking_code>/", FeedbackStatusView.as_view(), name="feedback-status"
    ),
]
