"""kpicheck: check a municipal DX plan's KPI targets against actuals."""

__version__ = "0.2.0"
