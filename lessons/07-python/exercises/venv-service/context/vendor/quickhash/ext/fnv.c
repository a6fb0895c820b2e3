/* fnv1a64(data: bytes-like) -> int: the 64-bit FNV-1a hash of data. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static PyObject *fnv1a64(PyObject *self, PyObject *args) {
    Py_buffer buf;
    if (!PyArg_ParseTuple(args, "y*", &buf)) {
        return NULL;
    }
    uint64_t hash = 14695981039346656037ULL;
    const unsigned char *bytes = buf.buf;
    for (Py_ssize_t i = 0; i < buf.len; i++) {
        hash ^= bytes[i];
        hash *= 1099511628211ULL;
    }
    PyBuffer_Release(&buf);
    return PyLong_FromUnsignedLongLong(hash);
}

static PyMethodDef methods[] = {
    {"fnv1a64", fnv1a64, METH_VARARGS, "64-bit FNV-1a hash of a bytes-like object."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fnv", NULL, -1, methods};

PyMODINIT_FUNC PyInit__fnv(void) {
    return PyModule_Create(&module);
}
