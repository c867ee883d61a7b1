// The budget slider: what the plan's objective would be at the budget it points to, read off the
// frontier table (the best objective at each budget, computed with the plan). "Plan at this budget"
// then plans again at that budget, with the same goal otherwise.
"use strict";
(function () {
  const slider = document.getElementById("budget-slider");
  const shown = document.getElementById("slider-figures");
  const rows = document.querySelectorAll("#frontier tbody tr");
  if (!slider || !shown || rows.length === 0) {
    return;
  }
  const points = Array.from(rows, (row) => ({
    budget: Number(row.dataset.budget), spend: Number(row.dataset.spend), objective: Number(row.dataset.objective),
  }));
  const money = (value) => value.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function at(budget) {
    // Between two computed budgets the frontier is read as a straight line (it is concave, so this is a floor).
    const after = points.findIndex((point) => point.budget >= budget);
    if (after <= 0) {
      return { ...points[Math.max(after, 0)], marginal: NaN };
    }
    const low = points[after - 1], high = points[after];
    const share = (budget - low.budget) / (high.budget - low.budget);
    const marginal = (high.objective - low.objective) / (high.budget - low.budget);
    return {
      budget: budget, spend: low.spend + share * (high.spend - low.spend),
      objective: low.objective + share * (high.objective - low.objective), marginal: marginal,
    };
  }

  function show() {
    const point = at(Number(slider.value));
    const more = Number.isNaN(point.marginal) ? "" : `; one more unit buys ${point.marginal.toFixed(2)}`;
    shown.textContent = `budget ${money(Number(slider.value))}: ${slider.dataset.objective} about ` +
      `${money(point.objective)}, spend ${money(point.spend)}${more}`;
  }

  slider.addEventListener("input", show);
  show();
}());
