from wagtail import hooks


@hooks.register("boost_demo_loaders")
def demo_loader():
    from ecomaps.demo import load

    # After communities (20) and projects (30): the map belongs to a community and links a write-up.
    return (45, load)
