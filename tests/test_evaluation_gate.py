"""The held-out development set, asked over the REST webhook, meets the accuracy gates."""

import pytest

from scripts.evaluate import evaluate, print_report

pytestmark = pytest.mark.servers

GATES = {
    "primary_cited": 0.97,
    "verdict_right": 0.92,
    "roles_named": 0.95,
    "safeguarding_escalated": 1.00,
    "out_of_scope_declined": 0.95,
}


@pytest.fixture(scope="module")
def scores(servers):
    result = evaluate(servers.url)
    print_report(result)
    return result


@pytest.mark.parametrize("measure", GATES)
def test_gate(scores, measure):
    score = scores[measure]
    assert score.total > 0
    assert (
        score.rate >= GATES[measure]
    ), f"{measure}: {score.hits}/{score.total}, misses {score.misses}"
