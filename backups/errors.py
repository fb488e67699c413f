class BackupError(Exception):
    """Why a backup or restore cannot go ahead, in words an operator can act on. A restore that
    raises it before replacing anything has changed nothing."""
