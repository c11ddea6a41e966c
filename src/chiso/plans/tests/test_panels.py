"""The plans app adds its panels to the results' analysis pages when the apps are ready."""

from chiso.results.extensions import registered_panels


def test_plans_register_their_panels_on_the_analysis_pages():
    assert [p.template for p in registered_panels("losses")] == ["plans/_losses_panel.html"]
    assert [p.template for p in registered_panels("target")] == ["plans/_target_panel.html"]
