"""`{% evaluation_inbox %}`: the signed-in user's to-do list and unread notifications."""

from django import template

register = template.Library()


@register.inclusion_tag("evaluation/_inbox.html", takes_context=True)
def evaluation_inbox(context):
    from evaluation.presenters import inbox_for

    request = context["request"]
    todos, notifications = inbox_for(request)
    return {"todos": todos, "notifications": notifications}
