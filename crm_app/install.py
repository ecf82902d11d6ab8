def after_install():
	pass


def after_migrate():
	pass
