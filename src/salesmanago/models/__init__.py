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
from .messages import (
    Attachment,
    ContactEmailMessage,
    ContactSmsMessage,
    ConversationStatistics,
    EmailMessage,
    MessageStatus,
    RecipientStatistics,
)
from .notes import ContactNote
from .optin import ConsentForm, ConsentStatus, ContactConsent
from .rules import DelayPeriod, RuleDefinition, Workflow
from .tags import TagCount
from .tasks import ContactTask, TaskReminder

__all__ = [
    "Address",
    "Addressee",
    "AddresseeType",
    "Attachment",
    "BatchEventItem",
    "BatchEventResult",
    "BatchUpsertItem",
    "BatchUpsertResult",
    "Catalog",
    "CatalogResult",
    "ConsentDetail",
    "ConsentForm",
    "ConsentStatus",
    "Contact",
    "ContactBasic",
    "ContactChange",
    "ContactConsent",
    "ContactCoupon",
    "ContactEmailMessage",
    "ContactEventResult",
    "ContactExtEvent",
    "ContactFunnel",
    "ContactNote",
    "ContactPage",
    "ContactSmsMessage",
    "ContactState",
    "ContactTag",
    "ContactTask",
    "ContactUpsert",
    "ConversationStatistics",
    "DelayPeriod",
    "DictionaryProperty",
    "DictionaryPropertyType",
    "DoubleOptIn",
    "EmailMessage",
    "EventForContact",
    "ExportDataType",
    "ExportFile",
    "ExportedContact",
    "ExternalEvent",
    "ExternalEventType",
    "FunnelStage",
    "JobStatus",
    "MessageStatus",
    "Product",
    "ProductPrice",
    "ProductSystemDetails",
    "ProductsResult",
    "RecentActivity",
    "RecipientStatistics",
    "RuleDefinition",
    "TagCount",
    "TaskReminder",
    "UpsertResult",
    "Workflow",
]

# bulk sync (issue 16)
from .bulk import RowResult, RowStatus, SyncProgress, SyncReport, UnreadableRow

# isort: split
# the Contact Manager through public endpoints (issue 14)
from .bulk import (
    AddNote,
    AddTags,
    AddToFunnelStage,
    BulkAction,
    BulkContactResult,
    BulkOutcome,
    BulkProgress,
    BulkRecount,
    BulkReport,
    ChangeMainOwner,
    ContactSelection,
    DeleteContacts,
    EmailOptOut,
    PhoneOptIn,
    PhoneOptOut,
    RemoveTags,
    SelectedContact,
    SetDetails,
    SetState,
)

__all__ += ["RowResult", "RowStatus", "SyncProgress", "SyncReport", "UnreadableRow"]

# the Contact Manager through public endpoints (issue 14)
__all__ += [
    "AddNote",
    "AddTags",
    "AddToFunnelStage",
    "BulkAction",
    "BulkContactResult",
    "BulkOutcome",
    "BulkProgress",
    "BulkRecount",
    "BulkReport",
    "ChangeMainOwner",
    "ContactSelection",
    "DeleteContacts",
    "EmailOptOut",
    "PhoneOptIn",
    "PhoneOptOut",
    "RemoveTags",
    "SelectedContact",
    "SetDetails",
    "SetState",
]
