"""A rule's per-project explanation (docs/explanations.md) in a sentence a resident can read."""

from __future__ import annotations

from typing import Any

REASONS = {
    "did_not_fit": "it did not fit in the money left when its turn came",
    "below_threshold": "it had less support than the minimum the round required",
    "stopped": "counting stopped before its turn (the rule stops at the first project that does not fit)",
    "over_budget": "it costs more than the whole budget",
}


def explanation_text(expl: dict[str, Any]) -> str:
    """'Funded at step 2 (ranked 3rd) ...' or 'Not funded: ...', with the rule's own figures."""
    if not expl:
        return ""
    if isinstance(expl.get("text"), str):  # the rule wrote its own sentence
        return str(expl["text"])
    status = expl.get("status")
    parts = []
    if status == "funded":
        parts.append(f"Funded at step {expl['step']}." if "step" in expl else "Funded.")
    elif status:
        reason = REASONS.get(str(expl.get("reason")), str(expl.get("reason", "")).replace("_", " "))
        parts.append(f"Not funded: {reason}." if reason else "Not funded.")
    if "rank" in expl:
        parts.append(f"Place {expl['rank']} in the rule's order")
        parts[-1] += f" (score {expl['score']})." if "score" in expl else "."
    tie = expl.get("tie")
    if isinstance(tie, dict) and tie.get("tied_with"):
        parts.append(f"Tied with project(s) {', '.join(map(str, tie['tied_with']))}; the tie-break decided.")
    shown = {"status", "step", "reason", "rank", "score", "tie", "cost"}
    rest = {k: v for k, v in expl.items() if k not in shown}
    if rest:
        parts.append("Details: " + "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in rest.items()) + ".")
    return " ".join(parts)
