"""The figures of one service-versus-floor comparison, named and described the same way."""

from __future__ import annotations

from ._schema import Figure, Target, figure
from ._timing import Timed, median_ratio


def comparison_figures(prefix: str, unit: str, what: str, floor_what: str, service: Timed,
                       floor: Timed, rate_target: Target | None = None,
                       ratio_target: Target | None = None) -> list[Figure]:
    """Rates of ``service`` and ``floor`` (best and median, CPU and wall) and their ratio.

    Targets are judged on CPU-time rates: best round for absolute rates (interference only
    ever slows a round down), median of the per-round ratios for the ratio.
    """
    per = unit.split("/")[0]
    cpu_unit = f"{per}/cpu_s"
    return [
        figure(f"{prefix}_per_cpu_s_best", service.cpu.best, cpu_unit,
               f"{what}; per second of this process's CPU time, best round", rate_target),
        figure(f"{prefix}_per_cpu_s_median", service.cpu.median, cpu_unit,
               "the same, median round"),
        figure(f"{prefix}_per_wall_s_best", service.wall.best, unit,
               f"{what}; per wall-clock second, best round"),
        figure(f"{prefix}_per_wall_s_median", service.wall.median, unit,
               "the same, median round"),
        figure(f"{prefix}_floor_per_cpu_s_best", floor.cpu.best, cpu_unit,
               f"floor: {floor_what}; best round"),
        figure(f"{prefix}_floor_per_cpu_s_median", floor.cpu.median, cpu_unit,
               "floor, median round"),
        figure(f"{prefix}_to_floor_ratio_median", median_ratio(service.cpu, floor.cpu), "ratio",
               "service / floor CPU-time rate, median of the per-round ratios", ratio_target),
        figure(f"{prefix}_to_floor_ratio_best", service.cpu.best / floor.cpu.best, "ratio",
               "best service round / best floor round (CPU time)"),
        figure(f"{prefix}_to_floor_ratio_wall_median", median_ratio(service.wall, floor.wall),
               "ratio", "service / floor wall-clock rate, median of the per-round ratios"),
    ]

