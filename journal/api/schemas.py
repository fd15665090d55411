"""What the API sends and accepts. Times are ISO 8601 with their offset (UTC when sent);
a time without an offset is refused (422): the journal keeps aware times only."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import AwareDatetime

from journal.models import Incident, SupportContact, TimelineEvent

IncidentKind = Literal[tuple(Incident.Kind.values)]  # type: ignore[valid-type]
IncidentStatus = Literal[tuple(Incident.Status.values)]  # type: ignore[valid-type]
EventType = Literal[tuple(TimelineEvent.Type.values)]  # type: ignore[valid-type]
EventSource = Literal[tuple(TimelineEvent.Source.values)]  # type: ignore[valid-type]
ChannelName = Literal[tuple(SupportContact.Channel.values)]  # type: ignore[valid-type]
Initiator = Literal[tuple(SupportContact.InitiatedBy.values)]  # type: ignore[valid-type]


def seconds(value) -> int | None:
    return None if value is None else int(value.total_seconds())


class Message(Schema):
    detail: str


class ProviderOut(Schema):
    id: int
    name: str
    url: str
    status_page_url: str
    notes: str
    created_at: datetime


class ProviderIn(Schema):
    name: str
    url: str = ""
    status_page_url: str = ""
    notes: str = ""


class ProviderPatch(Schema):
    name: str | None = None
    url: str | None = None
    status_page_url: str | None = None
    notes: str | None = None


class ServiceOut(Schema):
    id: int
    provider_id: int
    name: str
    host: str
    time_zone: str
    is_trial: bool
    started_on: date | None
    ended_on: date | None
    sla_uptime: Decimal | None
    sla_credits: str
    sla_claim_days: int | None
    notes: str
    created_at: datetime


class ServiceIn(Schema):
    provider: int = Field(..., description="The provider's id.")
    name: str
    host: str = ""
    time_zone: str = "UTC"
    is_trial: bool = False
    started_on: date | None = None
    ended_on: date | None = None
    sla_uptime: Decimal | None = None
    sla_credits: str = ""
    sla_claim_days: int | None = None
    notes: str = ""


class ServicePatch(Schema):
    provider: int | None = None
    name: str | None = None
    host: str | None = None
    time_zone: str | None = None
    is_trial: bool | None = None
    started_on: date | None = None
    ended_on: date | None = None
    sla_uptime: Decimal | None = None
    sla_credits: str | None = None
    sla_claim_days: int | None = None
    notes: str | None = None


class IntervalOut(Schema):
    start: datetime
    end: datetime


class TotalsOut(Schema):
    """What the incident page's totals show (journal.downtime.Totals), in seconds."""

    observed_downtime_s: int
    degraded_s: int
    span_s: int
    first_down: datetime | None
    last_up: datetime | None
    still_down: bool
    claimed: IntervalOut | None
    claimed_s: int | None
    claimed_minus_observed_s: int | None
    down: list[IntervalOut]
    degraded: list[IntervalOut]

    @staticmethod
    def of(totals) -> dict:
        def interval(i):
            return {"start": i.start, "end": i.end}

        return {
            "observed_downtime_s": seconds(totals.observed),
            "degraded_s": seconds(totals.degraded_time),
            "span_s": seconds(totals.span),
            "first_down": totals.first_down,
            "last_up": totals.last_up,
            "still_down": totals.still_down,
            "claimed": interval(totals.claimed) if totals.claimed else None,
            "claimed_s": seconds(totals.claimed_duration),
            "claimed_minus_observed_s": seconds(totals.claimed_minus_observed),
            "down": [interval(i) for i in totals.down],
            "degraded": [interval(i) for i in totals.degraded],
        }


class IncidentFilters(Schema):
    """The query parameters that narrow a list of incidents (or of their totals)."""

    provider: int | None = None
    service: int | None = None
    status: IncidentStatus | None = None
    kind: IncidentKind | None = None
    year: int | None = None


class IncidentOut(Schema):
    id: int
    uid: UUID
    service_id: int
    title: str
    kind: str
    status: str
    notes: str
    resolved_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    totals: TotalsOut

    @staticmethod
    def resolve_totals(obj) -> dict:
        return TotalsOut.of(obj.totals)


class IncidentIn(Schema):
    service: int = Field(..., description="The service's id.")
    title: str
    kind: IncidentKind = "outage"
    status: IncidentStatus = "open"
    resolved_at: AwareDatetime | None = None
    notes: str = ""
    down_at: AwareDatetime | None = Field(None, description="Also records a first “down” event at this time.")


class IncidentPatch(Schema):
    service: int | None = None
    title: str | None = None
    kind: IncidentKind | None = None
    status: IncidentStatus | None = None
    resolved_at: AwareDatetime | None = None
    notes: str | None = None
    version: int | None = Field(None, description="The version you read: a later save by someone else is a 409.")


class EventOut(Schema):
    id: int
    incident_id: int
    at: datetime
    type: str
    source: str
    text: str
    log_line_id: int | None
    version: int
    created_at: datetime


class EventIn(Schema):
    at: AwareDatetime
    type: EventType
    source: EventSource = "person"
    text: str = ""


class EventPatch(Schema):
    at: AwareDatetime | None = None
    type: EventType | None = None
    source: EventSource | None = None
    text: str | None = None
    version: int | None = None


class NoticeOut(Schema):
    id: int
    incident_id: int
    url: str
    retrieved_at: datetime
    raw_text: str
    sha256: str
    claimed_start: datetime | None
    claimed_end: datetime | None
    approximate: bool
    target: str
    cause: str
    supersedes_id: int | None
    version: int


class NoticeIn(Schema):
    raw_text: str = Field(..., description="The notice as published, kept verbatim.")
    url: str = ""
    retrieved_at: AwareDatetime | None = Field(None, description="Default: now.")
    claimed_start: AwareDatetime | None = None
    claimed_end: AwareDatetime | None = None
    approximate: bool = False
    target: str = ""
    cause: str = ""


class NoticePatch(Schema):
    raw_text: str | None = Field(None, description="A changed text is saved as a new notice superseding this one.")
    url: str | None = None
    retrieved_at: AwareDatetime | None = None
    claimed_start: AwareDatetime | None = None
    claimed_end: AwareDatetime | None = None
    approximate: bool | None = None
    target: str | None = None
    cause: str | None = None
    version: int | None = None


class Removal(Schema):
    reason: str = Field(..., description="Why it is removed: kept with it.")


class ContactOut(Schema):
    id: int
    provider_id: int
    incident_id: int | None
    channel: str
    initiated_by: str
    opened_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    ticket_ref: str
    agent: str
    summary: str
    outcome: str
    helpfulness: int | None
    version: int


class ContactIn(Schema):
    channel: ChannelName
    opened_at: AwareDatetime
    initiated_by: Initiator = "user"
    first_response_at: AwareDatetime | None = None
    resolved_at: AwareDatetime | None = None
    ticket_ref: str = ""
    agent: str = ""
    summary: str = ""
    outcome: str = ""
    helpfulness: int | None = Field(None, description="1 (useless) to 5 (solved it).")


class ContactPatch(Schema):
    channel: ChannelName | None = None
    opened_at: AwareDatetime | None = None
    initiated_by: Initiator | None = None
    first_response_at: AwareDatetime | None = None
    resolved_at: AwareDatetime | None = None
    ticket_ref: str | None = None
    agent: str | None = None
    summary: str | None = None
    outcome: str | None = None
    helpfulness: int | None = None
    version: int | None = None


class LogOut(Schema):
    id: int
    incident_id: int
    name: str
    size: int
    sha256: str
    uploaded_at: datetime
    state: str
    failure: str
    encoding: str
    line_count: int
    parsed_count: int
    first_at: datetime | None
    last_at: datetime | None


class IncidentTotalsRow(Schema):
    """One incident's totals, as `manage.py report --format json` prints them."""

    id: int
    uid: str
    provider: str
    service: str
    title: str
    kind: str
    status: str
    first_down: str | None
    last_up: str | None
    observed_downtime_s: int
    degraded_s: int
    span_s: int
    claimed_s: int | None
    claimed_minus_observed_s: int | None
