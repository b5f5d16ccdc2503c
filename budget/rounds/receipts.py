"""Secret ballots: voter keys, receipts and commitments, from a per-round secret.

While a round is open its 256-bit secret lives in the database. A ballot is
stored under `voter_key` = HMAC(secret, participant id), never the id, so that
a revision replaces the resident's one ballot. The resident's receipt is
derived the same way and can be shown again until close. At close the secret
is destroyed and the voter keys erased: nothing left links a receipt or a
ballot to a participant (docs/rounds.md says what a database operator could
still see before that).
"""

from __future__ import annotations

import hashlib
import hmac

from budget.rounds.ballots import CastBallot
from budget.rounds.config import canonical, sha256_hex

# No look-alikes (0/O, 1/I/L, 5/S, 2/Z, 8/B, U/V), as inquiry.kernel.tokens' codes.
RECEIPT_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
# 16 symbols of 23 = 72 bits: a commitment cannot be searched for its receipt.
RECEIPT_LENGTH = 16


def _mac(secret: bytes, label: str) -> bytes:
    return hmac.new(secret, label.encode(), hashlib.sha256).digest()


def voter_key(secret: bytes, participant_id: int) -> bytes:
    """Where the participant's ballot is stored while the round is open."""
    return _mac(secret, f"voter:{participant_id}")


def receipt_for(secret: bytes, participant_id: int) -> str:
    """The participant's receipt: the same every time while the secret exists."""
    number = int.from_bytes(_mac(secret, f"receipt:{participant_id}"), "big")
    symbols = []
    for _ in range(RECEIPT_LENGTH):
        number, digit = divmod(number, len(RECEIPT_ALPHABET))
        symbols.append(RECEIPT_ALPHABET[digit])
    return "".join(symbols)


def idempotency_hash(secret: bytes, participant_id: int, key: str) -> bytes:
    """A submission's key, bound to its sender, unlinkable once the secret is gone."""
    return _mac(secret, f"idem:{participant_id}:{key}")


def format_receipt(receipt: str) -> str:
    """`ACDE-FGHJ-KMNP-QRTW`, for reading aloud and writing down."""
    return "-".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def normalise_receipt(typed: str) -> str:
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def commitment(receipt: str, ballot: CastBallot) -> str:
    """What the hash chain records for one counted ballot."""
    return sha256_hex(receipt + "\n" + canonical(ballot.to_dict()))


def shuffle_key(receipt: str) -> str:
    """Published ballots are ordered by this: deterministic, unrelated to casting order or time."""
    return sha256_hex("order:" + receipt)
