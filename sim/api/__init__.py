"""Wire schemas of the Pinpoint API: one msgspec Struct per request, response and error body.

Attribute names are the botocore model's wire names. ``decode`` raises BadRequest naming the
bad member's path; ``encode`` is a single shared encoder.
"""

from ._shapes import ENUMS as ENUMS
from ._shapes import SHAPES as SHAPES
from ._shapes import Action as Action
from ._shapes import AddressConfiguration as AddressConfiguration
from ._shapes import ADMMessage as ADMMessage
from ._shapes import APNSMessage as APNSMessage
from ._shapes import ApplicationResponse as ApplicationResponse
from ._shapes import ApplicationsResponse as ApplicationsResponse
from ._shapes import BadRequestException as BadRequestException
from ._shapes import BaiduMessage as BaiduMessage
from ._shapes import ChannelType as ChannelType
from ._shapes import CreateApplicationRequest as CreateApplicationRequest
from ._shapes import DefaultMessage as DefaultMessage
from ._shapes import DefaultPushNotificationMessage as DefaultPushNotificationMessage
from ._shapes import DeliveryStatus as DeliveryStatus
from ._shapes import DirectMessageConfiguration as DirectMessageConfiguration
from ._shapes import EmailMessage as EmailMessage
from ._shapes import EndpointBatchItem as EndpointBatchItem
from ._shapes import EndpointBatchRequest as EndpointBatchRequest
from ._shapes import EndpointDemographic as EndpointDemographic
from ._shapes import EndpointLocation as EndpointLocation
from ._shapes import EndpointMessageResult as EndpointMessageResult
from ._shapes import EndpointRequest as EndpointRequest
from ._shapes import EndpointResponse as EndpointResponse
from ._shapes import EndpointSendConfiguration as EndpointSendConfiguration
from ._shapes import EndpointsResponse as EndpointsResponse
from ._shapes import EndpointUser as EndpointUser
from ._shapes import ForbiddenException as ForbiddenException
from ._shapes import GCMMessage as GCMMessage
from ._shapes import InternalServerErrorException as InternalServerErrorException
from ._shapes import MessageBody as MessageBody
from ._shapes import MessageHeader as MessageHeader
from ._shapes import MessageRequest as MessageRequest
from ._shapes import MessageResponse as MessageResponse
from ._shapes import MessageResult as MessageResult
from ._shapes import MessageType as MessageType
from ._shapes import MethodNotAllowedException as MethodNotAllowedException
from ._shapes import NotFoundException as NotFoundException
from ._shapes import PayloadTooLargeException as PayloadTooLargeException
from ._shapes import RawEmail as RawEmail
from ._shapes import SendUsersMessageRequest as SendUsersMessageRequest
from ._shapes import SendUsersMessageResponse as SendUsersMessageResponse
from ._shapes import SimpleEmail as SimpleEmail
from ._shapes import SimpleEmailPart as SimpleEmailPart
from ._shapes import SMSMessage as SMSMessage
from ._shapes import Template as Template
from ._shapes import TemplateConfiguration as TemplateConfiguration
from ._shapes import TooManyRequestsException as TooManyRequestsException
from ._shapes import VoiceMessage as VoiceMessage
from .codec import decode as decode
from .codec import decoder as decoder
from .codec import encode as encode
from .codec import to_builtins as to_builtins
from .errors import ERROR_CLASSES as ERROR_CLASSES
from .errors import BadRequest as BadRequest
from .errors import Forbidden as Forbidden
from .errors import InternalServerError as InternalServerError
from .errors import MethodNotAllowed as MethodNotAllowed
from .errors import NotFound as NotFound
from .errors import PayloadTooLarge as PayloadTooLarge
from .errors import PinpointError as PinpointError
from .errors import TooManyRequests as TooManyRequests
from .limits import MAX_ENDPOINTS_PER_USER as MAX_ENDPOINTS_PER_USER
from .limits import MAX_RECIPIENTS_PER_REQUEST as MAX_RECIPIENTS_PER_REQUEST
from .operations import OPERATIONS as OPERATIONS
from .operations import Operation as Operation

__all__ = [
    "ENUMS",
    "ERROR_CLASSES",
    "MAX_ENDPOINTS_PER_USER",
    "MAX_RECIPIENTS_PER_REQUEST",
    "OPERATIONS",
    "SHAPES",
    "ADMMessage",
    "APNSMessage",
    "Action",
    "AddressConfiguration",
    "ApplicationResponse",
    "ApplicationsResponse",
    "BadRequest",
    "BadRequestException",
    "BaiduMessage",
    "ChannelType",
    "CreateApplicationRequest",
    "DefaultMessage",
    "DefaultPushNotificationMessage",
    "DeliveryStatus",
    "DirectMessageConfiguration",
    "EmailMessage",
    "EndpointBatchItem",
    "EndpointBatchRequest",
    "EndpointDemographic",
    "EndpointLocation",
    "EndpointMessageResult",
    "EndpointRequest",
    "EndpointResponse",
    "EndpointSendConfiguration",
    "EndpointUser",
    "EndpointsResponse",
    "Forbidden",
    "ForbiddenException",
    "GCMMessage",
    "InternalServerError",
    "InternalServerErrorException",
    "MessageBody",
    "MessageHeader",
    "MessageRequest",
    "MessageResponse",
    "MessageResult",
    "MessageType",
    "MethodNotAllowed",
    "MethodNotAllowedException",
    "NotFound",
    "NotFoundException",
    "Operation",
    "PayloadTooLarge",
    "PayloadTooLargeException",
    "PinpointError",
    "RawEmail",
    "SMSMessage",
    "SendUsersMessageRequest",
    "SendUsersMessageResponse",
    "SimpleEmail",
    "SimpleEmailPart",
    "Template",
    "TemplateConfiguration",
    "TooManyRequests",
    "TooManyRequestsException",
    "VoiceMessage",
    "decode",
    "decoder",
    "encode",
    "to_builtins",
]
