"""The portal's client for the ELK/OSO endpoint (the mock in ``elk_mock/`` or the real chain).

Protocol: ``elk_mock/README.md``. Everything callers need is exported here.
"""

from requests.client.endpoint import MAX_ITEMS_PER_CALL, EndpointClient
from requests.client.exchange import (
    SIGNOFF_FOR_WAIT,
    DocumentAsk,
    Exchange,
    SignoffAck,
    SignoffItem,
    SignoffResult,
    exchange_from_settings,
)
from requests.client.items import endpoint_client_from_settings, submit_item_for
from requests.client.types import (
    ChangedPupil,
    EndpointError,
    Feed,
    PermanentEndpointError,
    Placement,
    RequestResult,
    ResultState,
    SubmitAck,
    SubmitItem,
    TransientEndpointError,
    WaitReason,
)

__all__ = [
    "MAX_ITEMS_PER_CALL",
    "SIGNOFF_FOR_WAIT",
    "ChangedPupil",
    "DocumentAsk",
    "EndpointClient",
    "EndpointError",
    "Exchange",
    "Feed",
    "PermanentEndpointError",
    "Placement",
    "RequestResult",
    "ResultState",
    "SignoffAck",
    "SignoffItem",
    "SignoffResult",
    "SubmitAck",
    "SubmitItem",
    "TransientEndpointError",
    "WaitReason",
    "endpoint_client_from_settings",
    "exchange_from_settings",
    "submit_item_for",
]
