from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "xmlcount._xmlcount",
            sources=["src/xmlcount/_xmlcount.c"],
            include_dirs=["/usr/include/libxml2"],
            libraries=["xml2"],
        )
    ],
    package_dir={"": "src"},
    packages=["xmlcount"],
)
