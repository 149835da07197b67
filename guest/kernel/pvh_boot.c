/* PVH boot: see pvh.S */
