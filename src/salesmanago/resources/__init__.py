"""API areas: each module holds a sync resource and its async twin."""

from .activity import Activity, AsyncActivity
from .campaigns import AsyncCampaigns, Campaigns
from .contacts import AsyncContacts, Contacts
from .coupons import AsyncCoupons, Coupons
from .events import AsyncEvents, Events
from .exports import AsyncExports, Exports
from .funnels import AsyncFunnels, Funnels
from .loyalty import AsyncLoyalty, Loyalty
from .messages import AsyncMessages, Messages
from .notes import AsyncNotes, Notes
from .optin import AsyncOptIn, OptIn
from .rules import AsyncRules, AsyncWorkflows, Rules, Workflows
from .scoring import AsyncScoring, Scoring
from .tags import AsyncTags, Tags
from .tasks import AsyncTasks, Tasks
from .users import AsyncUsers, Users

__all__ = [
    "Activity",
    "AsyncActivity",
    "AsyncCampaigns",
    "AsyncContacts",
    "AsyncCoupons",
    "AsyncEvents",
    "AsyncExports",
    "AsyncFunnels",
    "AsyncLoyalty",
    "AsyncMessages",
    "AsyncNotes",
    "AsyncOptIn",
    "AsyncRules",
    "AsyncScoring",
    "AsyncTags",
    "AsyncTasks",
    "AsyncUsers",
    "AsyncWorkflows",
    "Campaigns",
    "Contacts",
    "Coupons",
    "Events",
    "Exports",
    "Funnels",
    "Loyalty",
    "Messages",
    "Notes",
    "OptIn",
    "Rules",
    "Scoring",
    "Tags",
    "Tasks",
    "Users",
    "Workflows",
]
