"""Sub-commands of the ``chatdesk`` command line, one module each."""
