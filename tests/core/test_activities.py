from __future__ import annotations

import pytest

from caja_core.errors import (
    ActionRejected,
    ConfigInvalid,
    Conflict,
    InvalidState,
    NotFound,
    ValidationFailed,
)
from caja_core.services import activities, participants, responses, sessions

from .conftest import T0

CONFIG = {"options": ["red", "blue", "green"]}


def add(db, host, admin, session, **kw):
    kw.setdefault("config", CONFIG)
    return activities.add_activity(db, host, admin, session.id, type="pick", title="Color?", **kw)


def test_config_is_validated_by_the_type_with_field_errors(db, host, admin, live_session):
    with pytest.raises(ConfigInvalid) as err:
        add(db, host, admin, live_session, config={"options": ["only one"], "surprise": 1})
    locs = {tuple(e["loc"]) for e in err.value.errors}
    assert ("options",) in locs and ("surprise",) in locs
    with pytest.raises(NotFound, match="Unknown activity type 'nope'"):
        activities.add_activity(db, host, admin, live_session.id, type="nope", title="x", config={})


def test_add_reorder_delete_keep_positions_dense(db, host, admin, live_session):
    a, b, c = (add(db, host, admin, live_session, config=CONFIG) for _ in range(3))
    assert [x.position for x in (a, b, c)] == [0, 1, 2]
    activities.reorder_activities(db, admin, live_session.id, [c.id, a.id, b.id])
    assert [x.id for x in activities.list_activities(db, admin, live_session.id)] == [
        c.id,
        a.id,
        b.id,
    ]
    with pytest.raises(ValidationFailed):
        activities.reorder_activities(db, admin, live_session.id, [c.id, a.id])
    with pytest.raises(ValidationFailed):
        activities.reorder_activities(db, admin, live_session.id, [c.id, a.id, a.id])
    activities.delete_activity(db, admin, live_session.id, a.id)
    assert [(x.id, x.position) for x in activities.list_activities(db, admin, live_session.id)] == [
        (c.id, 0),
        (b.id, 1),
    ]


def test_activating_makes_current_and_expires_the_previous(db, host, admin, live_session):
    a = add(db, host, admin, live_session)
    b = add(db, host, admin, live_session)
    activities.activate_activity(db, host, admin, live_session.id, a.id, now=T0)
    assert (a.status, live_session.current_activity_id) == ("active", a.id)
    assert a.state["activations"] == 1 and a.activated_at == T0
    activities.activate_activity(db, host, admin, live_session.id, b.id, now=T0)
    assert (a.status, b.status, live_session.current_activity_id) == ("expired", "active", b.id)
    assert a.closed_at == T0
    activities.close_activity(db, host, admin, live_session.id, b.id, now=T0)
    assert b.status == "expired"
    with pytest.raises(InvalidState):
        activities.close_activity(db, host, admin, live_session.id, b.id)


def test_activation_needs_a_started_session(db, host, admin):
    s = sessions.create_session(db, admin, "draft")
    a = add(db, host, admin, s)
    with pytest.raises(InvalidState, match="Start the session"):
        activities.activate_activity(db, host, admin, s.id, a.id)


def test_config_with_answers_cannot_change_silently(db, host, admin, live_session):
    a = add(db, host, admin, live_session)
    activities.activate_activity(db, host, admin, live_session.id, a.id, now=T0)
    p, _, _ = participants.join_session(db, live_session.join_code, "Ana", now=T0)
    responses.submit_answer(db, host, p, live_session.id, a.id, {"choice": 1}, now=T0)
    # Title edits are fine; a config change is refused while answers exist.
    activities.update_activity(db, host, admin, live_session.id, a.id, changes={"title": "Colour?"})
    new = {"options": ["cyan", "magenta"]}
    with pytest.raises(Conflict, match="reset_answers"):
        activities.update_activity(db, host, admin, live_session.id, a.id, changes={"config": new})
    assert a.config["options"] == ["red", "blue", "green"]
    assert activities.answer_count(db, a.id) == 1
    activities.update_activity(
        db, host, admin, live_session.id, a.id, changes={"config": new}, reset_answers=True
    )
    assert a.config["options"] == ["cyan", "magenta"] and activities.answer_count(db, a.id) == 0
    # The same config again is not a change, even with answers.
    responses.submit_answer(db, host, p, live_session.id, a.id, {"choice": 0}, now=T0)
    activities.update_activity(db, host, admin, live_session.id, a.id, changes={"config": new})
    with pytest.raises(ValidationFailed, match="Unknown fields"):
        activities.update_activity(db, host, admin, live_session.id, a.id, changes={"type": "x"})


def test_actions_are_parsed_and_applied(db, host, admin, live_session):
    a = add(db, host, admin, live_session, config={**CONFIG, "rounds": True})
    activities.activate_activity(db, host, admin, live_session.id, a.id, now=T0)
    p, _, _ = participants.join_session(db, live_session.join_code, "Ana", now=T0)
    responses.submit_answer(db, host, p, live_session.id, a.id, {"choice": 1}, now=T0)
    v = live_session.version
    activities.run_action(db, host, admin, live_session.id, a.id, "next_round", {})
    assert a.state["round"] == 1 and live_session.version == v + 1
    activities.run_action(db, host, admin, live_session.id, a.id, "reset", None)
    assert activities.answer_count(db, a.id) == 0 and a.state["round"] == 0
    with pytest.raises(ActionRejected, match="no action 'explode'"):
        activities.run_action(db, host, admin, live_session.id, a.id, "explode", {})
    with pytest.raises(ActionRejected, match="Invalid body"):
        activities.run_action(db, host, admin, live_session.id, a.id, "reset", {"x": 1})
    activities.run_action(db, host, admin, live_session.id, a.id, "finish", {})
    assert a.status == "expired"


def test_completed_session_is_frozen(db, host, admin, live_session):
    a = add(db, host, admin, live_session)
    activities.activate_activity(db, host, admin, live_session.id, a.id, now=T0)
    sessions.complete_session(db, admin, live_session.id, host=host, now=T0)
    assert a.status == "expired"
    with pytest.raises(InvalidState):
        add(db, host, admin, live_session)
    with pytest.raises(InvalidState):
        activities.delete_activity(db, admin, live_session.id, a.id)


def test_results_for_presenter(db, host, admin, live_session):
    a = add(db, host, admin, live_session)
    activities.activate_activity(db, host, admin, live_session.id, a.id, now=T0)
    for name, choice in [("Ana", 0), ("Bo", 2), ("Cy", 2)]:
        p, _, _ = participants.join_session(db, live_session.join_code, name, now=T0)
        responses.submit_answer(db, host, p, live_session.id, a.id, {"choice": choice}, now=T0)
    res = activities.activity_results(db, host, admin, live_session.id, a.id, now=T0)
    assert res["results"] == {"counts": [1, 0, 2]} and res["answer_count"] == 3
    assert res["display"][0]["kind"] == "bars"
    assert [b["count"] for b in res["display"][0]["bars"]] == [1, 0, 2]
