"""The search for the fixes that bring a new problem (linter.fix.blame), on
problems whose causes are known, and the number of trials it needs: each
trial lints the whole pair."""

from __future__ import annotations

import pytest

from linter.fix.blame import culprits


class Problems:
    """Problems each brought by its causes: ``any`` of them applied (so all
    must be left out) or ``all`` of them (so leaving out one is enough).
    Records every trial."""

    def __init__(self, causes: dict[str, tuple[str, set[str]]]):
        self.causes = causes
        self.trials: list[set[str]] = []

    def __call__(self, left_out) -> set[str]:
        left = set(left_out)
        self.trials.append(left)
        present = set()
        for key, (how, causes) in self.causes.items():
            applied = causes - left
            if (how == "any" and applied) or (how == "all" and applied == causes):
                present.add(key)
        return present


def test_one_culprit_among_many_is_found_in_a_few_trials():
    suspects = [f"f{i}" for i in range(1000)]
    for culprit in ("f0", "f1", "f500", "f998", "f999"):
        trial = Problems({"p": ("all", {culprit})})
        assert culprits({"p": suspects}, trial) == {"p": [culprit]}
        assert len(trial.trials) <= 13   # all, ten halvings, alone


def test_causes_that_each_bring_it_are_all_left_out():
    suspects = [f"f{i}" for i in range(10)]
    trial = Problems({"p": ("any", {"f2", "f7"})})
    assert culprits({"p": suspects}, trial) == {"p": ["f7", "f2"]}   # later first


def test_of_causes_that_bring_it_together_the_later_is_left_out():
    """The earlier fix wins: leaving out the later one is enough."""
    suspects = [f"f{i}" for i in range(10)]
    trial = Problems({"p": ("all", {"f2", "f7"})})
    assert culprits({"p": suspects}, trial) == {"p": ["f7"]}


def test_fixes_beside_the_culprits_are_brought_back():
    suspects = ["a", "b", "c", "d", "e"]
    trial = Problems({"p": ("any", {"b", "d"})})
    assert culprits({"p": suspects}, trial) == {"p": ["d", "b"]}
    trial = Problems({"p": ("any", {"a", "e"})})
    assert culprits({"p": suspects}, trial) == {"p": ["e", "a"]}


def test_a_problem_leaving_out_every_suspect_does_not_mend_blames_them_all():
    trial = Problems({"p": ("any", {"elsewhere"})})
    assert culprits({"p": ["a", "b", "c"]}, trial) == {"p": ["a", "b", "c"]}
    assert len(trial.trials) == 1


def test_a_single_suspect_is_the_culprit_without_a_search():
    trial = Problems({"p": ("all", {"a"})})
    assert culprits({"p": ["a"]}, trial) == {"p": ["a"]}
    assert len(trial.trials) == 1


@pytest.mark.parametrize("count", [1, 2, 3, 300])
def test_problems_of_many_services_are_searched_side_by_side(count):
    """Each service's problem has its own suspects; one trial judges all of
    them, so the trials do not grow with the number of services."""
    problems = {f"p{s}": [f"s{s}-f{i}" for i in range(40)] for s in range(count)}
    causes = {f"p{s}": ("all", {f"s{s}-f{(7 * s) % 40}"}) for s in range(count)}
    causes["p0"] = ("any", {"s0-f3", "s0-f30"})
    trial = Problems(causes)
    found = culprits(problems, trial)
    assert list(found) == list(problems)
    assert found["p0"] == ["s0-f30", "s0-f3"]
    assert all(found[f"p{s}"] == [f"s{s}-f{(7 * s) % 40}"] for s in range(1, count))
    assert len(trial.trials) <= 12 + 40   # one search's trials, whatever the count
