"""My work: the start page (rendered at ``/`` by ``casebook.site``) and its widget registry."""
