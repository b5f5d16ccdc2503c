"""docs/protocol.md and web/realtime/protocol.py must agree, event by event and field by field."""

from __future__ import annotations

import re
from pathlib import Path

from web.realtime.events import DISPATCH
from web.realtime.protocol import EPHEMERAL, INBOUND, OUTBOUND, ConnectAuth

DOC = Path(__file__).resolve().parents[3] / "docs" / "protocol.md"


def documented() -> dict[str, list[str]]:
    sections = re.split(r"^### `([a-z_]+)`\s*$", DOC.read_text(encoding="utf-8"), flags=re.M)
    found = {}
    for name, body in zip(sections[1::2], sections[2::2], strict=True):
        line = re.search(r"^Fields: (.*)$", body, flags=re.M)
        assert line, f"section {name} has no Fields: line"
        found[name] = re.findall(r"`([a-z_]+)`", line[1])
    return found


def test_every_model_is_documented_with_exactly_its_fields() -> None:
    models = {"connect": ConnectAuth, **INBOUND, **OUTBOUND, **EPHEMERAL}
    doc = documented()
    assert sorted(doc) == sorted(models)
    for name, model in models.items():
        assert doc[name] == list(model.model_fields), name


def test_every_request_has_an_action_and_every_action_a_model() -> None:
    assert set(DISPATCH) == set(INBOUND) - {"resume"}


def test_inbound_models_refuse_unknown_fields() -> None:
    for model in INBOUND.values():
        assert model.model_config.get("extra") == "forbid", model.__name__
