"""The one translator between the platform's records and the planner (duikou.planning).

Everything that knows both sides lives in this package, and nothing else does:

* `records`: the period's demands, experts, availability, bookings and travel → the instance
  JSON of design/visit-planning.md (`build_instance`, `count_period`);
* `ids`: the id scheme (``D<demand pk>``, ``E<person pk>``, ``O<organisation pk>``, ``HZ``)
  both ways;
* `names`: days ↔ dates and the human names of an instance's ids (`Names`): pages, messages
  and the edit log name demands by organisation · skill and experts by name; the ids stay in
  the instance and plan JSON (the contract);
* `reasons`: why a demand is unserved, why an edit breaks a rule, in the reader's language
  (the facts come from duikou.planning.explain, the rules are the planner's validator's);
* `layout`: a run's plan for its page (the lead figures, calendars per expert and per site,
  unserved and assigned demands, the experts to choose from with the demand's skill first)
  and as visits to confirm (`planned_visits`).
"""

from duikou.orders.planning_data.ids import (
    HZ,
    HZ_COUNTY,
    HZ_NAME,
    demand_id,
    demand_pk,
    expert_id,
    person_pk,
    site_id,
)
from duikou.orders.planning_data.layout import (
    PlannedVisit,
    assigned_rows,
    calendar,
    expert_choices,
    lead,
    month_ticks,
    plan_scores,
    planned_visits,
    reason_counts,
    unserved_rows,
)
from duikou.orders.planning_data.names import Names, date_of, day_of, fmt_date, short_days
from duikou.orders.planning_data.reasons import (
    REASON_NO_PLACE,
    REASON_NO_SKILL,
    REASON_NO_TIME,
    REASON_OUTSIDE,
    REASON_TAKEN,
    RULES,
    edit_refusal,
    unserved_reasons,
)
from duikou.orders.planning_data.records import (
    AIRPORT_NODES,
    DIVISION_NODES,
    FLIGHT_DAYS,
    KM_PER_DAY,
    build_instance,
    count_period,
    division_node,
    drive_days,
    expert_home,
    from_hangzhou_days,
    period_demands,
    period_experts,
    road_km,
    travel_days,
)

__all__ = [
    "AIRPORT_NODES",
    "DIVISION_NODES",
    "FLIGHT_DAYS",
    "HZ",
    "HZ_COUNTY",
    "HZ_NAME",
    "KM_PER_DAY",
    "REASON_NO_PLACE",
    "REASON_NO_SKILL",
    "REASON_NO_TIME",
    "REASON_OUTSIDE",
    "REASON_TAKEN",
    "RULES",
    "Names",
    "PlannedVisit",
    "assigned_rows",
    "build_instance",
    "calendar",
    "count_period",
    "date_of",
    "day_of",
    "demand_id",
    "demand_pk",
    "division_node",
    "drive_days",
    "edit_refusal",
    "expert_choices",
    "expert_home",
    "expert_id",
    "fmt_date",
    "from_hangzhou_days",
    "lead",
    "month_ticks",
    "period_demands",
    "period_experts",
    "person_pk",
    "plan_scores",
    "planned_visits",
    "reason_counts",
    "road_km",
    "short_days",
    "site_id",
    "travel_days",
    "unserved_reasons",
    "unserved_rows",
]
