from django.contrib import admin, messages

from feedback.models import CannedReply, Holiday, Open311Key, Report, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "ward", "kind", "handles_tips", "head"]
    list_filter = ["ward", "kind", "handles_tips"]
    filter_horizontal = ["members"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "ward"]
    list_filter = ["ward"]
    date_hierarchy = "date"


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "ward"]
    list_filter = ["ward", "category"]


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    list_display = ["name", "ward", "is_active", "created_at"]
    fields = ["ward", "name", "is_active"]  # the key is shown once when issued; only its hash is kept

    def save_model(self, request, obj, form, change):
        if not change:
            created, key = Open311Key.issue(ward=obj.ward, name=obj.name)
            obj.pk, obj.key_hash = created.pk, created.key_hash
            messages.warning(request, f"API key (shown once): {key}")
            return
        super().save_model(request, obj, form, change)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    # Reading and triage happen in the portal, where tips' reporters stay hidden and every look is logged.
    list_display = ["tracking_code", "ward", "category", "status", "created_at"]
    list_filter = ["ward", "status", "category"]
    fields = ["tracking_code", "ward", "category", "status", "priority", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
