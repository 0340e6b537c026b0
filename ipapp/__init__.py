"""ipapp: the plan owner's app for the Norwegian individual care plan (individuell plan)."""
