"""Visit planning: who serves which demand, when (design/visit-planning.md).

A pure Python package (no Django): the management command only calls `cli.main`.

    python -m duikou.planning INSTANCE.json --time-limit SECONDS [--workers N] [--seed S] \\
        -o PLAN.json

The method, in the order the planner runs it (solver.py):

1. **Read and index** (instance.py, routes.py).  The instance is checked against the JSON
   contract; a malformed one is refused with a one-line message.  *Candidates* are the
   triples (demand, expert, availability interval) for which rules 1, 2, 3 and 5 can hold
   on their own, each with its start range [lo, hi] (window and travel from and back home
   already in it).  Nothing else is ever considered.

2. **Construct** (construct.py).  Best insertion into *flexible routes*: a route is the
   ordered list of one expert's demands in one availability interval, and its timing is
   kept as earliest/latest starts (forward/backward passes with the direct travel figure,
   as in vehicle routing with time windows), so placed demands can still slide.  Demands
   go by value per service day (budgets are what runs out), each where it adds the most.

3. **Relax** (relax.py).  A linear relaxation (GLOP) of the assignment — at most one
   expert per demand, service-day budgets, interval lengths, no order and no travel — is
   solved once.  Its optimum is a proven upper bound on the score (the `bound` printed);
   its duals price a day of each expert.  The construction is redone with prices:
   demands in order of value minus duration x price, each to the route where value minus
   travel minus duration x price is highest.  This keeps scarce experts for the demands
   only they can serve, and is worth 1-3 % over plain density on the public instances.

4. **Exact CP-SAT model when small** (cpsat.py).  Per candidate an optional interval
   (presence literal, start variable); per route a circuit (AddCircuit) whose arcs are
   "j follows i" with start_j >= end_i + travel[i][j] and cost 10 x travel days, depot
   arcs for travel from and back home, self-loops for "not in this route"; at most one
   route per demand; service-day budgets; objective = the contract's score.  The
   current plan is the hint (AddHint).  On instances of up to ~1,000 candidates it is
   solved to optimality in well under a second, which proves the plan optimal.  The same
   model cut at a time window around fixed route ends is a large-neighbourhood step.

5. **Improve by ruin and recreate** (alns.py).  Thousands of cheap moves per second:
   remove a few related assignments (same candidate routes and overlapping days as a
   seed demand, or a stretch of one expert's route), then re-insert them and the unserved
   demands those routes could take, in priced order with noise.  Threshold accepting
   (worsening by at most 1,500, shrinking to 0 at the deadline), the best plan kept.
   This is what closes most of the gap: on the medium and large instances it reaches
   and passes the best known scores in seconds, where CP-SAT steps on neighbourhoods of
   50-150 demands took 0.3-2 s each and, after it, found almost nothing more.

6. **Use the other cores** (parallel.py).  Ruin and recreate is pure Python, so extra
   workers are helper processes running the same search with other seeds; every few
   seconds the best plan is shared (an island model).

Safety: every plan the planner keeps has passed the package's own validator
(validator.py, which agrees with the shared validate.py on validity and score); the
empty plan is the fallback.  explain.py says why a demand is unserved or why a plan or
an edit breaks a rule, as data, from the validator's own rule functions (the platform words
it: duikou.orders.planning_data).  The planning runs in a background thread so that the CLI
can write the best plan at the deadline or on Ctrl-C whatever the search is doing.
"""
