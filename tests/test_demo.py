"""``pinsim demo``: runs a small campaign, and refuses what it cannot honour."""

from __future__ import annotations

import argparse

import pytest

from sim.demo import add_arguments, main


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_demo_counts_every_endpoint_per_channel(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(parse("--endpoints", "40", "--profiles", "none")) == 0
    out = capsys.readouterr().out
    assert "demo campaign: 40 endpoints, seed 1, profiles ideal" in out
    assert "SUCCESSFUL" in out and "OPT_OUT" in out  # endpoint 0 is opted out


def test_unknown_profile_is_an_error_not_ideal_channels(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(parse("--endpoints", "4", "--profiles", "nosuch")) == 2
    assert "--profiles: channel profile 'nosuch' not found" in capsys.readouterr().err


@pytest.mark.parametrize("count", ["0", "-5"])
def test_endpoint_count_must_be_positive(count: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse("--endpoints", count)
    assert "--endpoints: must be in [1, 1000000]" in capsys.readouterr().err
