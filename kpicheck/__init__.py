"""kpicheck: check a municipal DX plan's KPI targets against actuals."""

__version__ = "0.1.0"
