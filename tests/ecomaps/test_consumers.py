"""Workshop mode's socket: refused to whoever may not see the map, told of each change once it is
stored, and able to catch up on what it missed from the stored revisions."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from boost.routing import websocket_urlpatterns
from communities.models import Membership
from ecomaps import services
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, make_community
from tests.factories.ecomaps import make_map

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

app = URLRouter(websocket_urlpatterns)


def _world():
    community = make_community("Care at home", is_private=True)
    facilitator, member, outsider = UserFactory(), UserFactory(), UserFactory()
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    add_member(member, community)
    return make_map(facilitator, community), facilitator, member, outsider


async def _open(user, map_id: int) -> tuple[WebsocketCommunicator, bool, int | None]:
    communicator = WebsocketCommunicator(app, f"/ws/maps/{map_id}/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


async def _next(communicator: WebsocketCommunicator, kind: str) -> dict:
    while True:
        data = await communicator.receive_json_from(timeout=3)
        if data["type"] == kind:
            return data


async def test_a_private_maps_socket_refuses_outsiders_and_tells_members_of_each_change():
    ecomap, facilitator, member, outsider = await database_sync_to_async(_world)()

    _, connected, code = await _open(AnonymousUser(), ecomap.pk)
    assert not connected and code == 4401
    _, connected, code = await _open(outsider, ecomap.pk)
    assert not connected and code == 4404
    _, connected, code = await _open(member, 999999)
    assert not connected and code == 4404

    watcher, connected, _ = await _open(member, ecomap.pk)
    assert connected
    # A workshop lets the member change the map too; the facilitator's socket hears it.
    other, connected, _ = await _open(facilitator, ecomap.pk)
    assert connected
    await database_sync_to_async(services.set_workshop)(user=facilitator, ecomap=ecomap, running=True)
    assert (await _next(watcher, "workshop.changed"))["running"] is True
    await database_sync_to_async(services.add_station)(
        user=member, ecomap=ecomap, key="carers", name="Carers' centre", kind="organisation"
    )
    changed = await _next(other, "map.changed")
    assert changed["summary"] == "Added the station “Carers' centre”" and changed["version"] == ecomap.version + 1
    assert (await _next(watcher, "map.changed"))["version"] == changed["version"]

    # A page opened at an older version catches up from the stored revisions.
    await watcher.send_json_to({"action": "resume", "since": ecomap.version - 1, "ref": 7})
    catchup = await _next(watcher, "catchup")
    assert catchup["ref"] == 7 and catchup["version"] == changed["version"] and catchup["workshop"] is True
    assert [c["version"] for c in catchup["changes"]] == [ecomap.version, changed["version"]]
    await watcher.send_json_to({"action": "resume", "since": "soon"})
    assert (await _next(watcher, "error"))["code"] == "invalid"

    # Leaving the community: the next event closes the socket instead of delivering it.
    await database_sync_to_async(Membership.objects.filter(user=member).delete)()
    await database_sync_to_async(services.add_station)(user=facilitator, ecomap=ecomap, key="gp2", name="Second GP")
    assert (await _next(watcher, "error"))["code"] == "forbidden"
    assert (await watcher.receive_output(timeout=3))["type"] == "websocket.close"
    assert (await _next(other, "map.changed"))["summary"] == "Added the station “Second GP”"
    await other.disconnect()


async def test_a_change_that_fails_is_never_broadcast():
    ecomap, facilitator, member, _ = await database_sync_to_async(_world)()
    watcher, connected, _ = await _open(member, ecomap.pk)
    assert connected
    with pytest.raises(services.NotAllowed):  # no workshop: members cannot add stations
        await database_sync_to_async(services.add_station)(user=member, ecomap=ecomap, key="x", name="X")
    with pytest.raises(services.InvalidMap):
        await database_sync_to_async(services.add_station)(user=facilitator, ecomap=ecomap, key="gp", name="")
    assert await watcher.receive_nothing(timeout=0.5)
    await watcher.disconnect()
