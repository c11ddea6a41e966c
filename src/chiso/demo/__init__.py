"""The demo province (`chiso demo`): units and people, cycles in every state, surveys and an
improvement plan, all made through the apps' services. Not a Django app: it has no models.

`build.seed_demo` puts it together; `people`, `cycles`, `surveys` and `plans` make each part, and
`survey_file` writes the synthetic SIPAS sample file."""
