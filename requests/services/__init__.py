"""Services of the requests app (writes). The staff pages call these by name.

- transfer_requests.py: add, send, retry, delete, re-request a signup group
- rerequest.py: request finished requests' pupils again (*Opnieuw aanvragen*)
- pipeline.py: the worker side (submit, poll and merge, dispatch due, sweep)
- elk_feed.py: ELK placements and dots, re-requests for blue dots
- beat.py: write the code's beat schedules into django-celery-beat
"""

from requests.services.rerequest import RerequestResult, transfer_requests_rerequest
from requests.services.transfer_requests import (
    AddResult,
    signup_group_rerequest,
    transfer_requests_add,
    transfer_requests_delete,
    transfer_requests_retry,
    transfer_requests_send,
)

__all__ = (
    "AddResult",
    "RerequestResult",
    "signup_group_rerequest",
    "transfer_requests_add",
    "transfer_requests_delete",
    "transfer_requests_rerequest",
    "transfer_requests_retry",
    "transfer_requests_send",
)
