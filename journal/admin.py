"""The back office. Every change made here is recorded in the audit history (each tracked
model's History button); evidence text and bytes stay read only, and removed notices and log
excerpts are listed too."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from journal.models import (
    Incident,
    LogExcerpt,
    LogLine,
    LogSuggestion,
    Provider,
    ProviderNotice,
    Service,
    SupportChannel,
    SupportContact,
    TimelineEvent,
)


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ["name", "host", "time_zone", "is_trial", "started_on", "ended_on"]


class SupportChannelInline(admin.TabularInline):
    model = SupportChannel
    extra = 0


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "url", "status_page_url"]
    search_fields = ["name"]
    inlines = [ServiceInline, SupportChannelInline]


@admin.register(SupportChannel)
class SupportChannelAdmin(SimpleHistoryAdmin):
    list_display = ["provider", "channel", "days", "opens", "closes", "time_zone"]
    list_filter = ["channel", "provider"]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "provider", "host", "time_zone", "is_trial"]
    list_filter = ["provider", "is_trial"]
    search_fields = ["name", "host", "provider__name"]


class TimelineEventInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0


class NoticeInline(admin.StackedInline):
    model = ProviderNotice
    extra = 0
    readonly_fields = ["sha256"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "raw_text"] if obj else self.readonly_fields


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "service", "kind", "status", "created_at"]
    list_filter = ["kind", "status", "service__provider"]
    search_fields = ["title", "notes"]
    readonly_fields = ["uid", "created_at", "updated_at", "version"]
    fieldsets = [
        (None, {"fields": ["service", "title", "kind", "status", "resolved_at"]}),
        ("Notes", {"fields": ["notes"]}),
        ("Record", {"fields": ["uid", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [TimelineEventInline, NoticeInline]


@admin.register(TimelineEvent)
class TimelineEventAdmin(SimpleHistoryAdmin):
    list_display = ["at", "type", "source", "incident"]
    list_filter = ["type", "source"]
    search_fields = ["text", "incident__title"]


class EvidenceAdmin(SimpleHistoryAdmin):
    """Removed rows are listed too; what was stored cannot be edited."""

    stored: list[str] = []

    def get_queryset(self, request):
        return self.model.all_objects.all()

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, *self.stored] if obj else self.readonly_fields


@admin.register(ProviderNotice)
class ProviderNoticeAdmin(EvidenceAdmin):
    list_display = ["incident", "url", "retrieved_at", "claimed_start", "claimed_end", "removed_at"]
    search_fields = ["raw_text", "url", "target"]
    readonly_fields = ["sha256", "supersedes", "removed_at", "removed_by", "removal_reason", "version"]
    stored = ["raw_text"]


@admin.register(SupportContact)
class SupportContactAdmin(SimpleHistoryAdmin):
    list_display = ["opened_at", "provider", "channel", "initiated_by", "helpfulness", "incident"]
    list_filter = ["channel", "initiated_by", "provider"]
    search_fields = ["summary", "outcome", "ticket_ref"]


@admin.register(LogExcerpt)
class LogExcerptAdmin(EvidenceAdmin):
    list_display = ["name", "incident", "size", "line_count", "parsed_count", "encoding", "uploaded_at", "removed_at"]
    search_fields = ["name"]
    readonly_fields = [
        "size",
        "sha256",
        "encoding",
        "line_count",
        "parsed_count",
        "formats",
        "first_at",
        "last_at",
        "removed_at",
        "removed_by",
        "removal_reason",
        "version",
    ]
    stored = ["raw"]


@admin.register(LogLine)
class LogLineAdmin(admin.ModelAdmin):
    """Read only: lines come from the stored bytes (re-read them from the excerpt's page)."""

    list_display = ["excerpt", "number", "at", "host", "program", "rule"]
    list_filter = ["format", "rule"]
    search_fields = ["message"]
    raw_id_fields = ["excerpt"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LogSuggestion)
class LogSuggestionAdmin(admin.ModelAdmin):
    list_display = ["at", "type", "rule", "status", "excerpt"]
    list_filter = ["status", "type"]
    raw_id_fields = ["line", "event", "excerpt"]
