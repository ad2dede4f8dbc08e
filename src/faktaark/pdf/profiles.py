"""Which standard a PDF is judged against (`faktaark check --profile`), and the verdicts.

A profile is a standard and its level: "pdfa-2b", "pdfa-2a", "pdfa-2u" (and the other PDF/A
levels page-validation knows: 1a, 1b, 3a, 3b, 3u), "pdfua-1", "pdfx-4" (and "pdfx-1a").
"auto" judges a file against what it claims in its XMP metadata: pdfaid:part and
pdfaid:conformance, pdfuaid:part, pdfxid:GTS_PDFXVersion (or, for PDF/X-1a, the information
dictionary's /GTS_PDFXVersion). A file that claims nothing, or claims a standard (or a level)
faktaark cannot judge, fails under "auto": nothing is confirmed.

The verdicts: page-validation for PDF/A and PDF/UA (it agrees with the expected verdict of
every file of the veraPDF reference subset in `../shared/corpus/verapdf/`, see
tests/test_pdf_profiles.py); for PDF/X the preflight's rules that come from ISO 15930-7
(PDF/X-4) or ISO 15930-4 (PDF/X-1a), the conventions of the print shop left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faktaark.errors import UsageError

__all__ = ["CHOICES", "PROFILES", "Claims", "check_profile", "claims_of", "judge", "resolve"]

# profile -> (the standard's name, page-validation's profile, or None for PDF/X)
PROFILES: dict[str, tuple[str, str | None]] = {
    "pdfa-1a": ("PDF/A-1a", "PDF_A_1A"), "pdfa-1b": ("PDF/A-1b", "PDF_A_1B"),
    "pdfa-2a": ("PDF/A-2a", "PDF_A_2A"), "pdfa-2b": ("PDF/A-2b", "PDF_A_2B"),
    "pdfa-2u": ("PDF/A-2u", "PDF_A_2U"), "pdfa-3a": ("PDF/A-3a", "PDF_A_3A"),
    "pdfa-3b": ("PDF/A-3b", "PDF_A_3B"), "pdfa-3u": ("PDF/A-3u", "PDF_A_3U"),
    "pdfua-1": ("PDF/UA-1", "PDF_UA_1"),
    "pdfx-4": ("PDF/X-4", None), "pdfx-1a": ("PDF/X-1a:2003", None),
}  # fmt: skip
CHOICES = ("auto", *PROFILES)
_PDFX = {"PDF/X-4": "pdfx-4", "PDF/X-1a:2003": "pdfx-1a"}


def check_profile(profile: object) -> tuple[str, ...]:
    """`profile` as a tuple of known names ("auto" or profiles), or a `UsageError`: a name,
    a comma-separated list, or a sequence of names."""
    if isinstance(profile, str):
        names: list[object] = [profile]
    elif isinstance(profile, Sequence):
        names = list(profile)
    else:
        raise UsageError(f"profile: a name or a list of names, got {type(profile).__name__}.")
    out: list[str] = []
    for name in names:
        if not isinstance(name, str):
            raise UsageError(f"profile: a name, got {type(name).__name__}.")
        for part in name.split(","):
            part = part.strip().lower()
            if part not in CHOICES:
                raise UsageError(f"Unknown profile {part!r}; choose from {', '.join(CHOICES)}.")
            if part not in out:
                out.append(part)
    if not out:
        raise UsageError(f"profile: choose from {', '.join(CHOICES)}.")
    return tuple(out)


@dataclass
class Claims:
    """What a file says it is: profiles faktaark can judge, and what it cannot (or that is
    malformed), each a sentence."""

    profiles: list[str]
    problems: list[str]

    def names(self) -> list[str]:
        return [PROFILES[p][0] for p in self.profiles]


def claims_of(pdf: Any) -> Claims:
    """The claims in a (pikepdf) document's XMP and information dictionary."""
    import xml.etree.ElementTree as ET

    import pikepdf

    from faktaark.pdf.preflight_ident import xmp_properties

    found: list[str] = []
    problems: list[str] = []
    props: dict[str, str] = {}
    meta = pdf.Root.get("/Metadata")
    if isinstance(meta, pikepdf.Stream):
        try:
            props = xmp_properties(meta.read_bytes())
        except (ET.ParseError, pikepdf.PdfError, ValueError) as exc:
            problems.append(f"the XMP metadata is not readable: {' '.join(str(exc).split())}")
    part, level = props.get("pdfaid:part"), props.get("pdfaid:conformance")
    if part is not None:
        name = f"pdfa-{part}{(level or '').lower()}"
        if name in PROFILES:
            found.append(name)
        else:
            claim = f"PDF/A-{part}{level}" if level else f"PDF/A-{part} (no conformance level)"
            problems.append(f"claims {claim}, which faktaark cannot judge")
    ua = props.get("pdfuaid:part")
    if ua is not None:
        if ua == "1":
            found.append("pdfua-1")
        else:
            problems.append(f"claims PDF/UA-{ua}, which faktaark cannot judge")
    info = pdf.trailer.get("/Info")
    info_x = str(info.get("/GTS_PDFXVersion", "")) if isinstance(info, pikepdf.Dictionary) else ""
    pdfx = props.get("pdfxid:GTS_PDFXVersion") or info_x
    if pdfx:
        if pdfx in _PDFX:
            found.append(_PDFX[pdfx])
        else:
            problems.append(f"claims {pdfx}, which faktaark cannot judge")
    return Claims(found, problems)


def resolve(asked: Sequence[str], claims: Claims) -> tuple[list[str], list[str]]:
    """The profiles to judge and the problems of the claims: "auto" takes the claims (a file
    that claims nothing fails); named profiles are judged whatever the file claims."""
    judged: list[str] = []
    problems: list[str] = []
    for name in asked:
        if name == "auto":
            judged += claims.profiles
            problems += claims.problems
            if not claims.profiles and not claims.problems:
                problems.append(
                    "claims no standard (no pdfaid, pdfuaid or pdfxid in its XMP metadata): "
                    "nothing to judge it by; name one with --profile"
                )
        else:
            judged.append(name)
    return list(dict.fromkeys(judged)), problems


def judge(data: bytes, path: Path, profiles: Sequence[str]) -> dict[str, str]:
    """The verdict of each profile on the bytes of one file (read within the bounds,
    `pdf.bounds.read_pdf`): "pass" or "fail: ...", labelled with the standard and who judged
    it."""
    out: dict[str, str] = {}
    for name in profiles:
        standard, validator = PROFILES[name]
        if validator is not None:
            out[f"{standard} (page-validation)"] = _page_validation(data, validator)
        else:
            out[f"{standard} (faktaark preflight, ISO rules)"] = _pdfx(path, standard, data)
    return out


def _page_validation(data: bytes, profile: str) -> str:
    import page as page_validation

    try:
        rep = page_validation.validate_pdf_bytes(
            data, profile=getattr(page_validation.ValidationProfile, profile)
        )
    except Exception as exc:  # the validator refuses a broken file: that is a verdict too
        return f"fail: the validator cannot read it ({type(exc).__name__}: {_line(exc)})"
    if rep.is_compliant:
        return "pass"
    return "fail: " + "; ".join(str(f) for f in list(rep.failures)[:3])


def _pdfx(path: Path, standard: str, data: bytes) -> str:
    """The preflight's findings of the rules a PDF/X standard sets (not the conventions)."""
    from faktaark.pdf.preflight import preflight
    from faktaark.pdf.preflight_report import RULES

    report = preflight(path, expect=standard, data=data)
    if report.error is not None:
        return f"fail: {report.error}"
    part = "ISO 15930-7" if standard == "PDF/X-4" else "ISO 15930-4"
    bad = [f for f in report.breaches if RULES[f.rule].source.startswith(part)]
    return "pass" if not bad else "fail: " + "; ".join(str(f) for f in bad[:3])


def _line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]
