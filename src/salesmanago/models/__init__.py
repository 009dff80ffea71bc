"""Data models of the SALESmanago API, as frozen attrs classes."""

from .activity import RecentActivity
from .catalogs import (
    Catalog,
    CatalogResult,
    Product,
    ProductPrice,
    ProductsResult,
    ProductSystemDetails,
)
from .common import Addressee, AddresseeType
from .contacts import (
    Address,
    BatchUpsertItem,
    BatchUpsertResult,
    ConsentDetail,
    Contact,
    ContactBasic,
    ContactChange,
    ContactEventResult,
    ContactPage,
    ContactState,
    ContactTag,
    ContactUpsert,
    DictionaryProperty,
    DictionaryPropertyType,
    DoubleOptIn,
    UpsertResult,
)
from .coupons import ContactCoupon
from .events import (
    BatchEventItem,
    BatchEventResult,
    ContactExtEvent,
    EventForContact,
    ExternalEvent,
    ExternalEventType,
)
from .exports import ExportDataType, ExportedContact, ExportFile, JobStatus
from .funnels import ContactFunnel, FunnelStage
from .notes import ContactNote
from .rules import DelayPeriod, RuleDefinition, Workflow
from .tags import TagCount
from .tasks import ContactTask, TaskReminder

__all__ = [
    "Address",
    "Addressee",
    "AddresseeType",
    "BatchEventItem",
    "BatchEventResult",
    "BatchUpsertItem",
    "BatchUpsertResult",
    "Catalog",
    "CatalogResult",
    "ConsentDetail",
    "Contact",
    "ContactBasic",
    "ContactChange",
    "ContactCoupon",
    "ContactEventResult",
    "ContactExtEvent",
    "ContactFunnel",
    "ContactNote",
    "ContactPage",
    "ContactState",
    "ContactTag",
    "ContactTask",
    "ContactUpsert",
    "DelayPeriod",
    "DictionaryProperty",
    "DictionaryPropertyType",
    "DoubleOptIn",
    "EventForContact",
    "ExportDataType",
    "ExportFile",
    "ExportedContact",
    "ExternalEvent",
    "ExternalEventType",
    "FunnelStage",
    "JobStatus",
    "Product",
    "ProductPrice",
    "ProductSystemDetails",
    "ProductsResult",
    "RecentActivity",
    "RuleDefinition",
    "TagCount",
    "TaskReminder",
    "UpsertResult",
    "Workflow",
]

# bulk sync (issue 16)
from .bulk import RowResult, RowStatus, SyncProgress, SyncReport, UnreadableRow

__all__ += ["RowResult", "RowStatus", "SyncProgress", "SyncReport", "UnreadableRow"]
