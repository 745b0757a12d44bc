"""The operations pinsim serves: HTTP method, URI template, success status and body shapes.

Written out from reference/pinpoint.md §1; ``tests/api/test_shapes_match_model.py`` checks each
row against the botocore model, so routing (emulator) and the in-process client share one table.
"""

from __future__ import annotations

from typing import NamedTuple

from . import _shapes as s


class Operation(NamedTuple):
    name: str
    method: str
    uri: str
    status: int
    input_body: type[s._Shape] | None
    output_body: type[s._Shape]


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation("SendMessages", "POST", "/v1/apps/{application-id}/messages", 200,
                  s.MessageRequest, s.MessageResponse),
        Operation("SendUsersMessages", "POST", "/v1/apps/{application-id}/users-messages", 200,
                  s.SendUsersMessageRequest, s.SendUsersMessageResponse),
        Operation("DeleteEndpoint", "DELETE",
                  "/v1/apps/{application-id}/endpoints/{endpoint-id}", 202,
                  None, s.EndpointResponse),
        Operation("UpdateEndpoint", "PUT", "/v1/apps/{application-id}/endpoints/{endpoint-id}",
                  202, s.EndpointRequest, s.MessageBody),
        Operation("UpdateEndpointsBatch", "PUT", "/v1/apps/{application-id}/endpoints", 202,
                  s.EndpointBatchRequest, s.MessageBody),
        Operation("GetEndpoint", "GET", "/v1/apps/{application-id}/endpoints/{endpoint-id}", 200,
                  None, s.EndpointResponse),
        Operation("GetUserEndpoints", "GET", "/v1/apps/{application-id}/users/{user-id}", 200,
                  None, s.EndpointsResponse),
        Operation("DeleteUserEndpoints", "DELETE", "/v1/apps/{application-id}/users/{user-id}",
                  202, None, s.EndpointsResponse),
        Operation("CreateApp", "POST", "/v1/apps", 201,
                  s.CreateApplicationRequest, s.ApplicationResponse),
        Operation("GetApp", "GET", "/v1/apps/{application-id}", 200, None, s.ApplicationResponse),
        Operation("DeleteApp", "DELETE", "/v1/apps/{application-id}", 200,
                  None, s.ApplicationResponse),
        Operation("GetApps", "GET", "/v1/apps", 200, None, s.ApplicationsResponse),
    )
}
