"""``flask demo``: the three compounds of DESIGN §7, idempotently.

Features add their own demo data with ``@demo_loader(order)``; each loader
receives the ``DemoContext`` and must itself be idempotent."""
DEMO_LOADERS = []


def demo_loader(order):
    def decorator(fn):
        DEMO_LOADERS.append((order, fn))
        DEMO_LOADERS.sort(key=lambda item: item[0])
        return fn
    return decorator
