"""Dates and times in Europe/Oslo, in words where it helps ("i morgen kl. 10.00")."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from ipapp.i18n import translate

OSLO = ZoneInfo("Europe/Oslo")


def to_oslo(naive_utc: datetime) -> datetime:
    return naive_utc.replace(tzinfo=UTC).astimezone(OSLO)


def oslo_today(now_utc: datetime) -> date:
    return to_oslo(now_utc).date()


def format_date(day: date, locale: str) -> str:
    """"3. mars 2027" / "3 March 2027"."""
    month = translate(f"month.{day.month}", locale)
    if locale == "en":
        return f"{day.day} {month} {day.year}"
    return f"{day.day}. {month} {day.year}"


def format_time(moment: datetime, locale: str) -> str:
    return translate("time.clock", locale, time=moment.strftime("%H.%M" if locale != "en" else "%H:%M"))


def format_day(day: date, today: date, locale: str) -> str:
    """Today/tomorrow/yesterday in words, a weekday within the coming week, else the date."""
    delta = (day - today).days
    if delta == 0:
        return translate("day.today", locale)
    if delta == 1:
        return translate("day.tomorrow", locale)
    if delta == -1:
        return translate("day.yesterday", locale)
    if 1 < delta < 7:
        return translate(f"weekday.{day.isoweekday()}", locale)
    return format_date(day, locale)


def format_when(naive_utc: datetime, now_utc: datetime, locale: str) -> str:
    """"i morgen kl. 10.00", "torsdag kl. 09.30", "14. oktober 2026 kl. 13.00"."""
    local = to_oslo(naive_utc)
    return f"{format_day(local.date(), oslo_today(now_utc), locale)} {format_time(local, locale)}"


def days_until(day: date, now_utc: datetime) -> int:
    return (day - oslo_today(now_utc)).days


def oslo_datetime(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Oslo as the naive UTC value the tables store (DST-aware)."""
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)
    return local.astimezone(UTC).replace(tzinfo=None)


__all__ = [
    "OSLO", "days_until", "format_date", "format_day", "format_time", "format_when",
    "oslo_datetime", "oslo_today", "to_oslo",
]
