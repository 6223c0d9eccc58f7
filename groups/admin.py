from django.contrib import admin

from groups.models import (
    Household,
    Member,
    MemberImport,
    Membership,
    Outlet,
    Province,
    ProvinceStaff,
    ResidentialGroup,
    StaffProfile,
    Ward,
)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(ProvinceStaff)
class ProvinceStaffAdmin(admin.ModelAdmin):
    list_display = ["user", "province", "role"]
    list_filter = ["province", "role"]


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "province", "households_total"]
    list_filter = ["province"]
    search_fields = ["name", "code", "province__name"]


@admin.register(ResidentialGroup)
class ResidentialGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "ward", "kind", "households_total", "is_active"]
    list_filter = ["ward", "kind", "is_active"]
    search_fields = ["name"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["address", "group"]
    list_filter = ["group__ward"]
    search_fields = ["address"]
    raw_id_fields = ["group", "head"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "member"
    extra = 0
    raw_id_fields = ["group", "added_by"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "phone", "ward", "preferred_channel"]
    list_filter = ["ward", "consent_sms", "consent_zalo", "consent_email"]
    search_fields = ["search_text", "phone"]
    raw_id_fields = ["household"]
    inlines = [MembershipInline]


@admin.register(Outlet)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["__str__", "ward", "group", "kind", "mode", "is_active"]
    list_filter = ["ward", "kind", "is_active"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "ward", "role"]
    list_filter = ["ward", "role"]
    filter_horizontal = ["groups"]


@admin.register(MemberImport)
class MemberImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "ward", "status", "imported_count", "created_by", "created_at"]
    readonly_fields = ["rows"]
