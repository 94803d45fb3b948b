#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlversion.h>

static int walk(xmlNode *node, PyObject *counts) {
    for (xmlNode *n = node; n != NULL; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            PyObject *key = PyUnicode_FromString((const char *)n->name);
            if (key == NULL) return -1;
            PyObject *old = PyDict_GetItemWithError(counts, key);
            if (old == NULL && PyErr_Occurred()) { Py_DECREF(key); return -1; }
            long v = old ? PyLong_AsLong(old) + 1 : 1;
            PyObject *nv = PyLong_FromLong(v);
            int rc = nv ? PyDict_SetItem(counts, key, nv) : -1;
            Py_XDECREF(nv);
            Py_DECREF(key);
            if (rc < 0) return -1;
        }
        if (walk(n->children, counts) < 0) return -1;
    }
    return 0;
}

static PyObject *count_elements(PyObject *self, PyObject *args) {
    const char *buf;
    Py_ssize_t len;
    if (!PyArg_ParseTuple(args, "y#", &buf, &len)) return NULL;
    xmlDoc *doc = xmlReadMemory(buf, (int)len, "input.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc == NULL) {
        PyErr_SetString(PyExc_ValueError, "not well-formed XML");
        return NULL;
    }
    PyObject *counts = PyDict_New();
    if (counts != NULL && walk(xmlDocGetRootElement(doc), counts) < 0) {
        Py_CLEAR(counts);
    }
    xmlFreeDoc(doc);
    return counts;
}

static PyObject *libxml_version(PyObject *self, PyObject *noargs) {
    return PyUnicode_FromString(xmlParserVersion);
}

static PyMethodDef methods[] = {
    {"count_elements", count_elements, METH_VARARGS, "Count the elements of an XML document, by name."},
    {"libxml_version", libxml_version, METH_NOARGS, "The version of the libxml2 linked at run time."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_xmlcount", NULL, -1, methods};

PyMODINIT_FUNC PyInit__xmlcount(void) {
    LIBXML_TEST_VERSION
    return PyModule_Create(&module);
}
