"""salesmanago: a typed sync + async client for the SALESmanago API.

```python
from salesmanago import SalesManago, ContactUpsert

with SalesManago() as sm:  # credentials from SALESMANAGO_* variables
    sm.contacts.upsert(ContactUpsert(email="jan@example.com", tags=["VIP"]))
```
"""

from ._base_client import DEFAULT_ENDPOINT, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._client import AsyncSalesManago, SalesManago
from ._version import __version__
from .errors import (
    AlreadyExistsError,
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    EndpointNotFoundError,
    InternalServerError,
    InvalidFieldError,
    InvalidResponseError,
    NotFoundError,
    RateLimitError,
    RequestFailedError,
    ResponseValidationError,
    SalesManagoError,
    ValidationError,
)
from .models import (
    Address,
    Addressee,
    AddresseeType,
    BatchUpsertItem,
    BatchUpsertResult,
    ConsentDetail,
    Contact,
    ContactBasic,
    ContactChange,
    ContactState,
    ContactTag,
    ContactUpsert,
    DictionaryProperty,
    DictionaryPropertyType,
    DoubleOptIn,
    TagCount,
    UpsertResult,
)

__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "Address",
    "Addressee",
    "AddresseeType",
    "AlreadyExistsError",
    "AsyncSalesManago",
    "AuthenticationError",
    "BadRequestError",
    "BatchUpsertItem",
    "BatchUpsertResult",
    "ConfigurationError",
    "ConsentDetail",
    "Contact",
    "ContactBasic",
    "ContactChange",
    "ContactState",
    "ContactTag",
    "ContactUpsert",
    "DictionaryProperty",
    "DictionaryPropertyType",
    "DoubleOptIn",
    "EndpointNotFoundError",
    "InternalServerError",
    "InvalidFieldError",
    "InvalidResponseError",
    "NotFoundError",
    "RateLimitError",
    "RequestFailedError",
    "ResponseValidationError",
    "SalesManago",
    "SalesManagoError",
    "TagCount",
    "UpsertResult",
    "ValidationError",
    "__version__",
]
