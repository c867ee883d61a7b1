// The budget and ROI-floor sliders: the plan again at the budget and floor they point to, in the browser.
// The server sends the plan's hull increments in order of efficiency (optimizer/workbench/sliders.py,
// SliderPath.to_bytes); any budget and floor cut the same path at another place, so moving a slider
// only moves where the path is cut: the same plan as SliderPath.at, from the same arrays, read off running
// sums built once when they arrive (per plan, and where each keyword's action changes), so a move costs a few
// binary searches, not a walk of the path.
// "Plan at this budget and floor" then plans on the server, with every file and reason.
"use strict";
(function () {
  const box = document.getElementById("sliders");
  const budget = document.getElementById("budget-slider");
  const roi = document.getElementById("roi-slider");
  if (!box || !budget) {
    return;
  }
  const money = (value) => value.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const cell = (id) => document.getElementById(id);
  const setText = (id, text) => { const found = cell(id); if (found) { found.textContent = text; } };
  // The floor slider starts at the plan's floor; with none given, at today's ROI, which stands for "none given"
  // (the defaults: today's ROI and the break-even cut) until it is moved elsewhere.
  const roiStart = roi ? roi.value : null;
  const atDefault = () => roi !== null && box.dataset.minRoi === "" && roi.value === roiStart;
  // "Plan at this budget and floor" sends no floor while the slider sits at the default, as the sliders show it.
  const form = document.getElementById("replan");
  if (form && roi) {
    form.addEventListener("submit", () => { roi.disabled = atDefault(); });
    window.addEventListener("pageshow", () => { roi.disabled = false; });
  }

  // The plans table's budget cells, found once: a move rewrites their text only.
  const liveBudgets = Array.from(document.querySelectorAll("#plans td.live-budget"), (td) => [td, Number(td.dataset.plan)]);

  function showSettings() {
    setText("budget-value", money(Number(budget.value)));
    if (roi) {
      setText("roi-value", Number(roi.value) > 0 ? Number(roi.value).toFixed(2) : cell("roi-value").dataset.none);
    }
  }

  function parse(buffer) {
    const length = new DataView(buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length)));
    const types = { "<f8": Float64Array, "<f4": Float32Array, "<i4": Int32Array, "u1": Uint8Array };
    const arrays = {};
    let offset = 4 + length;
    for (const [name, kind, count] of header.arrays) {
      const Type = types[kind];
      arrays[name] = new Type(buffer, offset, count);
      offset += Math.ceil((count * Type.BYTES_PER_ELEMENT) / 8) * 8;
    }
    return { header: header, ...arrays };
  }

  function running(values) {
    const total = new Float64Array(values.length + 1);
    for (let k = 0; k < values.length; k++) {
      total[k + 1] = total[k] + values[k];
    }
    return total;
  }

  // The first k in [from, to) where test(k) holds, when it holds on a suffix of that range; else to.
  function firstWhere(from, to, test) {
    let low = from, high = to;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (test(middle)) { high = middle; } else { low = middle + 1; }
    }
    return low;
  }

  const clip = (value) => Math.min(Math.max(value, 0), 1);

  // The hull vertex of unit u after s hull steps, as SliderPath.actions picks it (the one with most share).
  function vertexAt(path, u, s) {
    const first = path.vertex_start[u], count = path.vertex_start[u + 1] - first;
    const whole = Math.floor(s + 1e-12);
    const low = first + Math.min(whole, count - 1);
    return clip(s - whole) > 0.5 ? Math.min(low + 1, first + count - 1) : low;
  }

  // Each plan's increments in path order, and their running spend and revenue (plan p's from planStart[p] + p).
  function byPlan(path) {
    const n = path.count, plans = path.base_plan_spend.length, unit = path.unit, plan = path.plan_of_unit;
    const planStart = new Int32Array(plans + 1);
    for (let k = 0; k < n; k++) { planStart[plan[unit[k]] + 1] += 1; }
    for (let p = 0; p < plans; p++) { planStart[p + 1] += planStart[p]; }
    const members = new Int32Array(n), filled = planStart.slice(0, plans);
    const cumSpend = new Float64Array(n + plans), cumRevenue = new Float64Array(n + plans);
    for (let k = 0; k < n; k++) {
      const p = plan[unit[k]], at = filled[p]++;
      members[at] = k;
      cumSpend[at + p + 1] = cumSpend[at + p] + path.spend[k];
      cumRevenue[at + p + 1] = cumRevenue[at + p] + path.revenue[k];
    }
    Object.assign(path, { planStart: planStart, members: members, planCumSpend: cumSpend, planCumRevenue: cumRevenue });
  }

  // How many keywords take each action at the start of the path, and each place along it where a keyword's action
  // changes (increment k, past fraction theta), with the running counts after each: a re-plan looks its place up.
  function byAction(path) {
    const units = path.base_steps.length, n = path.count, action = path.vertex_action;
    const steps = Float64Array.from(path.base_steps), counts = [0, 0, 0, 0];
    const pause = path.header.actions.indexOf("pause");
    for (let u = 0; u < units; u++) {
      counts[path.vertex_start[u + 1] === path.vertex_start[u] ? pause : action[vertexAt(path, u, steps[u])]] += 1;
    }
    const eventK = [], eventTheta = [], after = [...counts];
    for (let k = 0; k < n; k++) {
      const u = path.unit[k], before = steps[u], step = path.step[k];
      steps[u] += step;
      const from = vertexAt(path, u, before), to = vertexAt(path, u, steps[u]);
      if (action[from] === action[to]) {
        continue;
      }
      const whole = Math.floor(before + 1e-12), half = whole + (clip(before - whole) > 0.5 ? 1.5 : 0.5);
      counts[action[from]] -= 1;
      counts[action[to]] += 1;
      eventK.push(k);
      eventTheta.push(clip((half - before) / step));
      after.push(...counts);
    }
    Object.assign(path, { eventK: Int32Array.from(eventK), eventTheta: Float64Array.from(eventTheta),
      eventCounts: Int32Array.from(after) });
  }

  function Path(data) {
    const path = data;
    path.count = data.spend.length;
    path.value = data.value || data.revenue;   // not sent when the objective is revenue
    path.cumSpend = running(data.spend);
    path.cumRevenue = running(data.revenue);
    path.cumValue = running(path.value);
    path.step = new Float64Array(path.count).fill(1);   // sent only where a plan limit cut a hull step
    data.step_at.forEach((k, i) => { path.step[k] = data.step_part[i]; });
    path.planSpend = new Float64Array(data.base_plan_spend.length);
    byPlan(path);
    byAction(path);
    return path;
  }

  // The account floor and the increments usable for a floor given as --min-roi (null: none given, the defaults:
  // today's ROI and the break-even cut; 0: neither; under break-even: no cut), as SliderPath.limits.
  // A floor given is planned floor_factor above itself, or as given where that is out of reach.
  function limits(path, given, factor) {
    const header = path.header, n = path.count;
    const cut = header.break_even !== null && (given === null || (given > 0 && given >= header.break_even));
    return [given === null ? header.default_floor || 0 : given * factor, cut ? header.above_break_even : n];
  }

  // Where the optimum for (budget, floor) cuts the path, or null where no bids meet the floor.
  function position(path, budgetValue, given) {
    const found = positionAt(path, budgetValue, given, path.header.floor_factor);
    return found === null && path.header.floor_factor !== 1 ? positionAt(path, budgetValue, given, 1) : found;
  }

  function positionAt(path, budgetValue, given, factor) {
    const [rho, usable] = limits(path, given, factor);
    const base = path.header.base, tol = path.header.tol, n = path.count, cum = path.cumSpend;
    const room = budgetValue - base.spend;
    if (room < -tol) {
      return null;
    }
    const target = Math.max(room, 0);
    let upper = n;
    const k = firstWhere(0, n, (i) => cum[i + 1] > target);
    if (k < n) {
      upper = k + clip((target - cum[k]) / path.spend[k]);
    }
    let low = 0;
    if (rho > 0) {
      const activity = (i) => base.revenue - rho * base.spend + (path.cumRevenue[i] - rho * cum[i]);
      const step = (i) => path.revenue[i] - rho * path.spend[i];
      const peak = firstWhere(0, n, (i) => step(i) < 0);
      if (activity(0) < -tol) {
        const up = firstWhere(0, peak, (i) => activity(i + 1) >= -tol);
        if (up >= peak) {
          return null;
        }
        low = step(up) > 0 ? up + clip(-activity(up) / step(up)) : up + 1;
      }
      const down = firstWhere(peak, n, (i) => activity(i + 1) < -tol);
      if (down < n) {
        upper = Math.min(upper, down + clip(activity(down) / -step(down)));
      }
    }
    upper = Math.min(upper, usable);
    if (low > upper + 1e-9) {
      return null;
    }
    return Math.min(Math.max(path.header.rising, low), upper);
  }

  // The plan at a position (null when a floor is met only by spending nothing): totals, per plan spend, and how
  // many keywords take each action; read off the running sums built once (byPlan, byAction), not a walk of the path.
  function planAt(path, at, rho) {
    const full = Math.floor(at), part = at - full, n = path.count, planSpend = path.planSpend;
    const partPlan = full < n ? path.plan_of_unit[path.unit[full]] : -1;
    let totalSpend = 0, totalRevenue = 0;
    for (let p = 0; p < planSpend.length; p++) {
      const from = path.planStart[p], taken = firstWhere(from, path.planStart[p + 1], (i) => path.members[i] >= full);
      let spend = path.planCumSpend[taken + p], revenue = path.planCumRevenue[taken + p];
      if (p === partPlan) {
        spend += part * path.spend[full];
        revenue += part * path.revenue[full];
      }
      planSpend[p] = path.base_plan_spend[p] + spend;
      totalSpend += planSpend[p];
      totalRevenue += path.base_plan_revenue[p] + revenue;
    }
    if (rho > 0 && totalSpend <= 1e-6 * path.header.base.today_spend) {
      return null;   // as make_plan: a floor met only by spending nothing is not met
    }
    const passed = firstWhere(0, path.eventK.length,
      (i) => path.eventK[i] > full || (path.eventK[i] === full && !(part > path.eventTheta[i])));
    const along = (cumulative) => (full >= n ? cumulative[n]
      : cumulative[full] + part * (cumulative[full + 1] - cumulative[full]));
    return {
      spend: totalSpend, revenue: totalRevenue, objective: path.header.base.value + along(path.cumValue),
      roi: totalSpend > 0 ? totalRevenue / totalSpend : 0, planSpend: planSpend,
      counts: Array.from(path.eventCounts.subarray(4 * passed, 4 * passed + 4)),
    };
  }

  // The floor the sliders ask for: the ROI slider's, unless it sits at the default (null: none given).
  function asked(path) {
    if (roi && path.header.roi && !atDefault()) {
      return Number(roi.value);
    }
    return box.dataset.minRoi === "" ? null : Number(box.dataset.minRoi);
  }

  // Re-plan at the sliders and show it; the time taken, page update included, goes in data-replan-ms.
  function replan(path) {
    const started = performance.now();
    const given = asked(path);
    const at = position(path, Number(budget.value), given);
    const plan = at === null ? null : planAt(path, at, limits(path, given, 1)[0]);
    if (plan === null) {
      setText("live-state", cell("live-state").dataset.noPlan);
    } else {
      setText("live-state", "");
      setText("live-spend", money(plan.spend));
      setText("live-revenue", money(plan.revenue));
      setText("live-objective", money(plan.objective));
      setText("live-roi", plan.roi.toFixed(2));
      path.header.actions.forEach((name, index) => setText(`live-${name}`, plan.counts[index].toLocaleString("en")));
      liveBudgets.forEach(([td, p]) => { td.textContent = money(plan.planSpend[p]); });
    }
    const took = performance.now() - started;
    box.dataset.replanMs = String(took);
    setText("live-ms", `${took.toFixed(1)} ms`);
    return plan;
  }

  showSettings();
  if (!box.dataset.src) {
    budget.addEventListener("input", showSettings);
    if (roi) { roi.addEventListener("input", showSettings); }
    return;
  }
  fetch(box.dataset.src).then((response) => {
    if (!response.ok) {
      throw new Error(`the sliders' path: ${response.status}`);
    }
    return response.arrayBuffer();
  }).then((buffer) => {
    const path = Path(parse(buffer));
    const move = () => { showSettings(); replan(path); };
    budget.addEventListener("input", move);
    if (roi) { roi.addEventListener("input", move); }
    // for the benchmark and the browser tests: the plan at any budget and floor (null: none given), and how long
    // it took
    window.bidoptReplan = (budgetValue, rho) => {
      const started = performance.now();
      const at = position(path, budgetValue, rho);
      const plan = at === null ? null : planAt(path, at, limits(path, rho, 1)[0]);
      return { ms: performance.now() - started, plan: plan && { ...plan, planSpend: Array.from(plan.planSpend) } };
    };
    replan(path);
    box.dataset.ready = "true";
  }).catch((error) => setText("live-state", String(error.message)));
}());
