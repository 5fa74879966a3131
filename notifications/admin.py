from django.contrib import admin

from notifications.models import EmailChoice, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at", "emailed_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "actor", "report"]
    search_fields = ["recipient__username", "title"]


@admin.register(EmailChoice)
class EmailChoiceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email"]
    raw_id_fields = ["user"]
